package dev.orgplane.engine.orgapi;

import java.util.Arrays;

/**
 * The paths and ids a plugin names below {@code /v1/organizations/{organization}/}. org-service's router resolved dot
 * segments before it routed (until session 32; it refuses them now), decoding {@code %2e} to a dot first, so a path
 * with one ({@code "../{other}/roles"}) or an id that is one reached another organization with the engine's identity,
 * which may provision every organization. A path of kinds and ids ({@code "roles"}, {@code "teams/{id}/members"}) needs no such segment, no
 * empty one, nor {@code %}, {@code \}, {@code ?} or {@code #}; only a list's path carries a query, after its
 * {@code ?}. Nor a character a URL cannot carry as it is (a space, a letter beyond ASCII): the HTTP client refused
 * such a URL without ever answering the call, and the job waited for it for ever.
 */
final class OrgPaths {

  /** The characters of a path's segment (RFC 3986) but {@code %}: ASCII letters and digits, and these. */
  private static final String SEGMENT_PUNCTUATION = "-._~!$&'()*+,;=:@";
  /** What a query carries beside them. */
  private static final String QUERY_PUNCTUATION = "/?%";

  private OrgPaths() {
  }

  /** Whether {@code path} names objects of the organization it follows; {@code query}: a list's, which may have one. */
  static boolean staysInside(String path, boolean query) {
    if (path == null) {
      return false;
    }
    var mark = query ? path.indexOf('?') : -1;
    return Arrays.stream((mark < 0 ? path : path.substring(0, mark)).split("/", -1)).allMatch(OrgPaths::isSegment)
        && (mark < 0 || path.substring(mark + 1).chars()
            .allMatch(c -> inSegment(c) || QUERY_PUNCTUATION.indexOf(c) >= 0));
  }

  /** Whether {@code id} is one segment of a path, which no router reads as another place. */
  static boolean isSegment(String id) {
    return id != null && !id.isEmpty() && !id.equals(".") && !id.equals("..")
        && id.chars().allMatch(OrgPaths::inSegment);
  }

  private static boolean inSegment(int c) {
    return (c < 128 && Character.isLetterOrDigit(c)) || SEGMENT_PUNCTUATION.indexOf(c) >= 0;
  }
}

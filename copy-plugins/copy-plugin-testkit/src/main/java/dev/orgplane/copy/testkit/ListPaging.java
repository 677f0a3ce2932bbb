package dev.orgplane.copy.testkit;

import dev.orgplane.copy.api.OrgApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * {@code ?limit=&cursor=} as org-service reads them ({@code PageRequest}): a limit from 1 to the endpoint's most,
 * and cursors opaque to callers, the sort key of a page's last item base64url-encoded, a name marked as one. A
 * cursor a plugin made itself (the last id or name it saw, say) is refused, as the service refuses a cursor it did
 * not hand out.
 */
final class ListPaging {

  /** The most items of a list's page. */
  static final int MAX_LIMIT = 500;
  /** The most objects of a page org-service copies itself ({@code SetupCopy.MAX_PAGE}). */
  static final int MAX_COPY_PAGE = 5000;

  private static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /** What the sort key of a name-sorted list's cursor starts with, as org-service writes it. */
  private static final String NAME_KEY = "name:";

  private ListPaging() {
  }

  static void checkLimit(int limit, int max) {
    if (limit < 1 || limit > max) {
      throw new OrgApiException(400, "invalid_limit", "limit must be a whole number from 1 to " + max + ".", null);
    }
  }

  /** The cursor of the page after the one whose last item sorts by {@code key}. */
  static String cursorAfter(String key, boolean sortedByName) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(((sortedByName ? NAME_KEY : "") + key).getBytes(StandardCharsets.UTF_8));
  }

  /** The sort key {@code cursor} continues after: a name in lists sorted by name, an id in the others. */
  static String keyOf(String cursor, boolean sortedByName) {
    String key;
    try {
      key = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalidCursor();
    }
    if (sortedByName ? !key.startsWith(NAME_KEY) : !UUID.matcher(key).matches()) {
      throw invalidCursor();
    }
    return sortedByName ? key.substring(NAME_KEY.length()) : key;
  }

  private static OrgApiException invalidCursor() {
    return new OrgApiException(400, "invalid_cursor", "The cursor is not one this API returned.", null);
  }
}

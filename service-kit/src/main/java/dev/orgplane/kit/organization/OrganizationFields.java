package dev.orgplane.kit.organization;

import dev.orgplane.kit.http.RequestBody;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The writable profile of an organization, read and validated from a request body: by org-service, which stores
 * it, and by the provisioning engine, which checks a new target's when its job is queued (a field org-service
 * refuses would otherwise fail the job, and every retry of it).
 */
public record OrganizationFields(String name, String title, String description, String avatar, String email,
    String website, JsonObject metadata, Set<String> cleared) {

  public static final Set<String> PROFILE =
      Set.of("name", "title", "description", "avatar", "email", "website", "metadata");
  /**
   * The optional fields, which an organization may have none of (null when read): a change that sends one as null
   * clears it. The others take no null ({@link RequestBody#ofPatch}).
   */
  public static final Set<String> CLEARABLE = Set.of("description", "avatar", "email", "website");
  private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{3,63}");

  /** Reads the fields present (and those a change clears); on create, name and title are required. */
  public static OrganizationFields read(RequestBody body, boolean creating) {
    var name = body.matching("name", NAME, "must be 3-63 characters of a-z, 0-9, _ and -", creating);
    if (name != null && idShaped(name)) {
      // an organization is addressed by id or by name: a name shaped like an id could never be reached by it
      body.reject("name", "must not have the shape of an id");
    }
    // the title is the subject of the organization's invitation mails
    var title = body.line("title", 256, creating);
    var description = body.optionalString("description", 4096);
    var avatar = url(body, "avatar");
    var email = body.email("email", false);
    var website = url(body, "website");
    var metadata = body.freeFormObject("metadata");
    var cleared = CLEARABLE.stream().filter(body::sendsNull).collect(Collectors.toUnmodifiableSet());
    return new OrganizationFields(name, title, description, avatar, email, website, metadata, cleared);
  }

  /** A field's value after a change: none if the change cleared it, else {@code sent}, or {@code current} if none. */
  public <T> T applied(String field, T sent, T current) {
    return cleared.contains(field) ? null : sent != null ? sent : current;
  }

  /** Whether {@code text} has the form of an organization's name; a reference by name without it names none. */
  public static boolean isName(String text) {
    return NAME.matcher(text).matches();
  }

  /** Whether a name (lower case, as {@link #NAME} has it) is a UUID as one is written. */
  private static boolean idShaped(String name) {
    try {
      return UUID.fromString(name).toString().equals(name);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String url(RequestBody body, String field) {
    var value = body.optionalString(field, 2048);
    if (value == null) {
      return null;
    }
    try {
      var uri = URI.create(value);
      if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null) {
        return value;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    body.reject(field, "must be an http(s) URL");
    return null;
  }
}

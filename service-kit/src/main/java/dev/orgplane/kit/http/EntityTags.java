package dev.orgplane.kit.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;

/**
 * ETags of single objects and the {@code If-Match} check of their changes (RFC 9110): a client that read an object
 * changes or deletes it only if no one changed it since. A tag is a digest of the object as the client is shown it,
 * so it changes with anything the client could see and needs no version column.
 */
public final class EntityTags {

  private EntityTags() {
  }

  /** The strong tag of {@code representation}: the same object shown alike has the same tag at every instance. */
  public static String of(JsonObject representation) {
    try {
      var digest = MessageDigest.getInstance("SHA-256").digest(representation.encode().getBytes(StandardCharsets.UTF_8));
      return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 27) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is in every JVM", e);
    }
  }

  /** 200 with {@code representation} and its tag: a single object's GET, or its state after a change. */
  public static void reply(RoutingContext ctx, JsonObject representation) {
    reply(ctx, of(representation), representation);
  }

  /**
   * 200 with {@code representation} and {@code tag}; to a GET (or HEAD) whose {@code If-None-Match} names the tag, 304
   * without a body: a client polling an object it holds (a job's progress, say) is told it has not changed.
   */
  public static void reply(RoutingContext ctx, String tag, JsonObject representation) {
    ctx.response().putHeader("ETag", tag);
    if (unchanged(ctx, tag)) {
      ctx.response().setStatusCode(304).end();
    } else {
      ctx.json(representation);
    }
  }

  /**
   * Whether the request is a GET (or HEAD) whose {@code If-None-Match} names {@code tag}, so the answer is 304 without
   * a body. Representations that are not one JSON object (a document served as bytes, a list) ask this themselves.
   */
  public static boolean unchanged(RoutingContext ctx, String tag) {
    var method = ctx.request().method();
    return (method == HttpMethod.GET || method == HttpMethod.HEAD)
        && names(header(ctx, "If-None-Match"), tag, true);
  }

  /** {@link #requireMatch(RoutingContext, String, String)} with the tag of {@code current}. */
  public static void requireMatch(RoutingContext ctx, JsonObject current, String what) {
    requireMatch(ctx, of(current), what);
  }

  /**
   * Refuses (412 {@code precondition_failed}) a change whose {@code If-Match} names neither {@code currentTag} nor
   * {@code *}; without the header the change goes ahead. {@code what} names the object ("The role").
   */
  public static void requireMatch(RoutingContext ctx, String currentTag, String what) {
    var ifMatch = header(ctx, "If-Match");
    if (ifMatch != null && !names(ifMatch, currentTag, false)) {
      throw new ApiException(412, "precondition_failed", what + " changed since you read it (ETag " + currentTag + ").");
    }
  }

  /**
   * Refuses (412 {@code precondition_failed}, {@code detail}) a write to an object there is not (yet) whose
   * {@code If-Match} names any tag, even {@code *}: such a header asks for a current object (RFC 9110, 13.1.1).
   */
  public static void requireNoMatch(RoutingContext ctx, String detail) {
    if (header(ctx, "If-Match") != null) {
      throw new ApiException(412, "precondition_failed", detail);
    }
  }

  /**
   * A create-or-replace's preconditions (an import {@code PUT} by id). Its {@code If-Match} is compared with
   * {@code current} when there is such an object ({@link #requireMatch(RoutingContext, JsonObject, String)}), else
   * refused for any tag, {@code *} included ({@link #requireNoMatch}, {@code absent} its detail): a client that means
   * to replace what it read makes nothing once that is gone. Its {@code If-None-Match} refuses to replace an object
   * there is ({@link #requireNoneMatch}), and lets one that is not there be made.
   */
  public static void requireReplaceMatch(RoutingContext ctx, Optional<JsonObject> current, String what,
      String absent) {
    current.ifPresentOrElse(object -> {
      requireMatch(ctx, object, what);
      requireNoneMatch(ctx, of(object), what);
    }, () -> requireNoMatch(ctx, absent));
  }

  /**
   * Whether the request has a precondition a create-or-replace compares with the object as it is ({@code If-Match} or
   * {@code If-None-Match}); without one there is nothing to read before the write.
   */
  public static boolean conditional(RoutingContext ctx) {
    return header(ctx, "If-Match") != null || header(ctx, "If-None-Match") != null;
  }

  /**
   * Refuses (412 {@code precondition_failed}) a write over an object there is, {@code currentTag} its tag, whose
   * {@code If-None-Match} is {@code *} or names that tag (compared weakly): {@code *} asks to make the object only if
   * there is none, a tag to write only over another version than it (RFC 9110, 13.1.2).
   */
  private static void requireNoneMatch(RoutingContext ctx, String currentTag, String what) {
    if (names(header(ctx, "If-None-Match"), currentTag, true)) {
      throw new ApiException(412, "precondition_failed", what + " exists already (ETag " + currentTag
          + "), and If-None-Match names it.");
    }
  }

  /**
   * A precondition header's list of tags, null when the request has none: several lines of it are one list, joined
   * with commas (RFC 9110, 5.3), so a tag on a later line counts as one on the first; read as one line, only the
   * first was compared.
   */
  private static String header(RoutingContext ctx, String name) {
    var lines = ctx.request().headers().getAll(name);
    return lines.isEmpty() ? null : String.join(", ", lines);
  }

  /**
   * Whether the list of tags in a precondition header names {@code tag} (or is {@code *}). {@code If-Match} compares
   * strongly, so a tag marked weak never matches there; {@code If-None-Match} weakly (RFC 9110, 13.1.2), so
   * {@code W/"x"} names {@code "x"}: a proxy that compresses a response weakens its tag, and its clients' polls send
   * that one back.
   */
  private static boolean names(String header, String tag, boolean weakly) {
    if (header == null) {
      return false;
    }
    for (var named : header.split(",")) {
      var candidate = named.trim();
      if (weakly && candidate.startsWith("W/")) {
        candidate = candidate.substring(2);
      }
      if (candidate.equals("*") || candidate.equals(tag)) {
        return true;
      }
    }
    return false;
  }
}

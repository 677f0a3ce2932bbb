package dev.orgplane.kit.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

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
    ctx.response().putHeader("ETag", of(representation));
    ctx.json(representation);
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
    var ifMatch = ctx.request().getHeader("If-Match");
    if (ifMatch == null) {
      return;
    }
    for (var tag : ifMatch.split(",")) {
      // weak tags never match: If-Match compares strongly
      if (tag.trim().equals("*") || tag.trim().equals(currentTag)) {
        return;
      }
    }
    throw new ApiException(412, "precondition_failed", what + " changed since you read it (ETag " + currentTag + ").");
  }
}

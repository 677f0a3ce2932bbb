package dev.orgplane.gateway;

import dev.orgplane.kit.http.ApiDocument;
import dev.orgplane.kit.http.EntityTags;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code GET /openapi.json}: the OpenAPI document of the whole public API, which service-kit ships
 * and the services' tests check against their routes. The gateway answers it itself, without a
 * token, so clients and tools can read the API before they have one. It never changes while the
 * process runs, hence one read at start and an ETag for revalidation.
 */
public final class OpenApiDocument implements Handler<RoutingContext> {

  public static final String PATH = "/openapi.json";

  private final Buffer body;
  private final String etag;

  public OpenApiDocument() {
    var bytes = ApiDocument.bytes();
    body = Buffer.buffer(bytes);
    try {
      etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    var response = ctx.response().putHeader("ETag", etag).putHeader("Cache-Control", "public, max-age=300");
    if (EntityTags.unchanged(ctx, etag)) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader("Content-Type", "application/json").end(body);
  }
}

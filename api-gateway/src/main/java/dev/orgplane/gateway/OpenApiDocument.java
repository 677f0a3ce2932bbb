package dev.orgplane.gateway;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
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
  private static final String RESOURCE = "dev/orgplane/openapi.json";

  private final Buffer body;
  private final String etag;

  public OpenApiDocument() {
    try (var in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      var bytes = in.readAllBytes();
      body = Buffer.buffer(bytes);
      etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16) + "\"";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    var response = ctx.response().putHeader("ETag", etag).putHeader("Cache-Control", "public, max-age=300");
    if (etag.equals(ctx.request().getHeader("If-None-Match"))) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader("Content-Type", "application/json").end(body);
  }
}

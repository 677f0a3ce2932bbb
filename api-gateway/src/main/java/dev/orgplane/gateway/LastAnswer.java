package dev.orgplane.gateway;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * An answer after which the gateway closes its HTTP/1 connection, saying so in its head ({@code Connection: close},
 * RFC 9112, 9.6), so the caller sends nothing more on it. Said as the head goes out: for an HTTP/1.0 caller that asked
 * to keep its connection alive, Vert.x writes {@code keep-alive} over a Connection header set before, and that caller
 * was told the connection stayed open while it was closed under it.
 */
public final class LastAnswer {

  private LastAnswer() {
  }

  /** Makes the answer to {@code ctx}'s request the last on its connection: said in its head, closed once it is out. */
  public static void on(RoutingContext ctx) {
    var connection = ctx.request().connection();
    ctx.addHeadersEndHandler(head -> ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE));
    ctx.addEndHandler(answered -> connection.close());
  }
}

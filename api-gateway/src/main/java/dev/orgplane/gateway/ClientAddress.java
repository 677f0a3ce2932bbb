package dev.orgplane.gateway;

import io.vertx.core.http.HttpServerRequest;

/** The address a request came from, as the rate limit per address and {@code X-Forwarded-For} name it. */
public final class ClientAddress {

  private ClientAddress() {
  }

  /**
   * The peer's IP address in text, or {@code unknown}. {@code host()}, not {@code hostAddress()}: for an accepted
   * connection (whose peer is never looked up by name) both are the IP address in text, but {@code host()} is
   * kept with the connection, while {@code hostAddress()} formats it anew, twice per request.
   */
  public static String of(HttpServerRequest request) {
    var address = request.remoteAddress();
    var host = address == null ? null : address.host();
    return host == null ? "unknown" : host;
  }
}

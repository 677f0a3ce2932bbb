package dev.orgplane.kit.http;

import io.vertx.core.http.HttpServerOptions;

/**
 * How large a request's head may be, at the public door (the gateway) and at the services behind it. The gateway
 * passes a head on with fields of its own (X-Request-Id, X-Forwarded-*, the upstream's Host, the platform's token in
 * place of a provider's), and an HTTP/2 caller's path, which counts among its header fields there, becomes the
 * request line of HTTP/1.1 upstream. With the same limits at both (Vert.x's defaults), headers just under the door's
 * were over the service's, and an HTTP/2 path of 5 KB over its request line: the service refused what the gateway
 * had let in (431, 414). So the services read twice the door's header bytes, for the headers and for the request
 * line; both are set here, from one number, so they cannot drift apart.
 */
public record HeadLimits(int requestLineBytes, int headerBytes) {

  /** The gateway's: Vert.x's defaults, and the HTTP/2 header list as large as the HTTP/1 headers. */
  public static final HeadLimits DOOR = new HeadLimits(4096, 8192);
  /** The services': what the door lets in, with room to spare for what the gateway adds. */
  public static final HeadLimits SERVICE = new HeadLimits(2 * DOOR.headerBytes(), 2 * DOOR.headerBytes());

  /**
   * {@code options} refusing a head past these limits: over HTTP/1, 414 or 431 ({@link MalformedRequests}); over
   * HTTP/2, a header list larger than {@link #headerBytes} (the path included).
   */
  HttpServerOptions applyTo(HttpServerOptions options) {
    options.getInitialSettings().setMaxHeaderListSize(headerBytes);
    return options.setMaxInitialLineLength(requestLineBytes).setMaxHeaderSize(headerBytes);
  }
}

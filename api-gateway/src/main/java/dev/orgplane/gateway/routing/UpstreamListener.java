package dev.orgplane.gateway.routing;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/**
 * The exchange an upstream connection carries now (through its {@link UpstreamLease}, which hears that the upstream
 * is not idle), told what the connection decodes and how it ends.
 */
interface UpstreamListener {

  /** The answer's final head (interim ones are not told). */
  void head(HttpResponse answer);

  /** A piece of the answer's body, the last one ({@link io.netty.handler.codec.http.LastHttpContent}) ending it. */
  void content(HttpContent piece);

  /** The connection broke, closed or timed out; {@code connectionWasReused}: it had carried a request before. */
  void fail(Throwable cause, boolean connectionWasReused);
}

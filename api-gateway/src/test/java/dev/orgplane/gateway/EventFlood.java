package dev.orgplane.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * An upstream's event stream as fast as its connection takes it: one 16 KiB event at a time, each after the last one
 * went out, so that a caller that reads slowly, or not at all, fills the gateway's write queue soon.
 */
final class EventFlood {

  private static final Buffer EVENT = Buffer.buffer("data: " + "x".repeat(16 * 1024) + "\n\n");

  private EventFlood() {
  }

  /** Writes {@code bytes} of events on {@code response} (chunked), then ends it; or for ever, for Long.MAX_VALUE. */
  static void writeOn(Vertx vertx, HttpServerResponse response, long bytes) {
    if (response.closed()) {
      return;
    }
    if (bytes <= 0) {
      response.end();
      return;
    }
    response.write(EVENT);
    long rest = bytes - EVENT.length();
    if (response.writeQueueFull()) {
      response.drainHandler(drained -> writeOn(vertx, response, rest));
    } else {
      vertx.runOnContext(next -> writeOn(vertx, response, rest));
    }
  }
}

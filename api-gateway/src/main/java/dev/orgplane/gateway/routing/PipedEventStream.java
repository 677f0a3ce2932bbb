package dev.orgplane.gateway.routing;

import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;

/**
 * An event stream answered on Vert.x's client (to a request with a body, {@link BodyForwarder}), relayed to the caller
 * with backpressure as a pipe would, but one the gateway can end at an event's end when it stops
 * ({@link RelayedEventStreams}); it lives while it talks ({@link AnswerIdleTimeout}).
 */
final class PipedEventStream implements RelayedEventStreams.Stream {

  private final HttpClientResponse upstream;
  private final HttpServerResponse response;
  private final RelayedEventStreams streams;
  private final AnswerIdleTimeout idle;
  private final EventEnds events = new EventEnds();

  PipedEventStream(HttpClientResponse upstream, HttpServerResponse response, RelayedEventStreams streams,
      AnswerIdleTimeout idle) {
    this.upstream = upstream;
    this.response = response;
    this.streams = streams;
    this.idle = idle;
  }

  /** Relays the stream until the upstream ends it, either side breaks it, or the gateway stops. */
  void relay() {
    upstream.handler(piece -> {
      idle.heard();
      response.write(piece.slice(0, events.read(piece)));
      if (events.ended()) {
        endStream();
      } else if (response.writeQueueFull()) {
        idle.pauseFor(response, upstream);
      }
    });
    upstream.endHandler(ended -> {
      idle.stop();
      streams.closed(this);
      if (!response.closed() && !response.ended()) {
        response.end();
      }
    });
    upstream.exceptionHandler(broken -> {
      idle.stop();
      streams.closed(this);
      if (!response.ended() && !response.closed()) {
        response.reset();
      }
    });
    streams.opened(this);
  }

  @Override
  public void endAtEventEnd() {
    if (events.endAtNext()) {
      endStream();
    }
  }

  /** Ends the caller's stream cleanly and the upstream request with a reset, which closes its connection. */
  private void endStream() {
    idle.stop();
    streams.closed(this);
    upstream.handler(null).endHandler(null).exceptionHandler(null);
    if (!response.closed()) {
      response.end();
    }
    upstream.request().reset();
  }
}

package dev.orgplane.gateway.routing;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The event streams one gateway instance relays (on its event loop), so that its stop does not wait for them: a
 * stream lasts as long as its client watches, so it would hold the drain for the whole grace and be cut off then all
 * the same. From the notice on, each ends after the event it is relaying (one that starts during the notice, after
 * its first), its client's answer ended cleanly, and its client reconnects, as an {@code EventSource} does, to an
 * instance that is not stopping.
 */
final class RelayedEventStreams {

  /** A relayed event stream: on either path ({@link UpstreamExchange}, {@link PipedEventStream}). */
  interface Stream {
    /** Ends the stream after the event it is relaying, at once when it is between two. */
    void endAtEventEnd();
  }

  private static final String EVENT_STREAM = "text/event-stream";

  private final Set<Stream> open = new HashSet<>();
  private boolean stopping;

  /** Whether an answer of {@code contentType} (null: none said) is an event stream. */
  static boolean isEventStream(String contentType) {
    return contentType != null && contentType.regionMatches(true, 0, EVENT_STREAM, 0, EVENT_STREAM.length());
  }

  /** {@code stream}'s answer turned out to be an event stream. */
  void opened(Stream stream) {
    open.add(stream);
    if (stopping) {
      stream.endAtEventEnd();
    }
  }

  void closed(Stream stream) {
    open.remove(stream);
  }

  /** The gateway gives notice of its stop: every stream ends at its next event's end, those between two at once. */
  void stop() {
    stopping = true;
    // a copy: a stream between two events ends, and leaves the set, at once
    List.copyOf(open).forEach(Stream::endAtEventEnd);
  }
}

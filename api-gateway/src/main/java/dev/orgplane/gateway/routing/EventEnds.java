package dev.orgplane.gateway.routing;

import io.vertx.core.buffer.Buffer;

/**
 * Where the events of a relayed event stream ({@code text/event-stream}) end, as its bytes go by: an event ends with
 * a blank line, two line ends in a row, each a CR LF, an LF or a CR. The upstream's writes need not keep to events
 * (one may end an event and begin the next), so a relayed stream the gateway ends of its own accord is ended at an
 * event's end, never halfway through one its client would then drop.
 */
final class EventEnds {

  private boolean lineEmpty = true;
  private boolean afterCr;
  private boolean betweenEvents;
  private boolean ending;

  /**
   * The stream is to end at its next event's end: from now on reads stop there. Whether it is there already, between
   * two events (not before its first, so that each client that connects gets the current state): end it now.
   */
  boolean endAtNext() {
    ending = true;
    return betweenEvents;
  }

  /**
   * Reads {@code bytes}, all of them, or once the stream is ending only up to the end of the first event that ends
   * among them: how many it read, to be relayed.
   */
  int read(Buffer bytes) {
    int length = bytes.length();
    for (int i = 0; i < length; i++) {
      byte next = bytes.getByte(i);
      boolean lf = next == '\n';
      if (lf && afterCr) {
        // the second half of a CR LF, whose CR ended the line already
        afterCr = false;
        continue;
      }
      afterCr = next == '\r';
      if (lf || afterCr) {
        betweenEvents = lineEmpty;
        lineEmpty = true;
        if (betweenEvents && ending) {
          // a CR LF whole, when its LF is here (a CR alone ends a line too, for a client that got no LF after it)
          boolean lfFollows = afterCr && i + 1 < length && bytes.getByte(i + 1) == '\n';
          afterCr &= !lfFollows;
          return lfFollows ? i + 2 : i + 1;
        }
      } else {
        lineEmpty = false;
        betweenEvents = false;
      }
    }
    return length;
  }

  /** Whether the stream is ending and what was read ends an event: end it now. */
  boolean ended() {
    return ending && betweenEvents;
  }
}

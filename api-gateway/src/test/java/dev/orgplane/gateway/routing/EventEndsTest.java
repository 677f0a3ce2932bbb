package dev.orgplane.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An event ends with a blank line, whichever line ends the upstream writes and however its writes split them. */
class EventEndsTest {

  @ParameterizedTest
  @ValueSource(strings = {"\n", "\r\n", "\r"})
  void anEndingStreamEndsAtTheNextBlankLineOfAnyLineEnd(String lineEnd) {
    var event = "event: job" + lineEnd + "data: {}" + lineEnd + lineEnd;
    var ends = new EventEnds();
    assertFalse(ends.endAtNext(), "nothing relayed yet: the first event goes out whole");
    assertEquals(event.length() - 3, ends.read(Buffer.buffer(event.substring(0, event.length() - 3))));
    assertFalse(ends.ended(), "halfway through an event");
    var rest = event.substring(event.length() - 3) + "data: next" + lineEnd + lineEnd;
    assertEquals(3, ends.read(Buffer.buffer(rest)));
    assertTrue(ends.ended());
    var whole = new EventEnds();
    whole.endAtNext();
    assertEquals(event.length(), whole.read(Buffer.buffer(event + "data: next")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\n", "\r\n", "\r"})
  void aStreamBetweenEventsEndsAtOnceOthersReadOn(String lineEnd) {
    var events = "data: a" + lineEnd + lineEnd + "data: b" + lineEnd;
    var ends = new EventEnds();
    assertEquals(events.length(), ends.read(Buffer.buffer(events)));
    assertEquals(lineEnd.length(), ends.read(Buffer.buffer(lineEnd)));
    assertFalse(ends.ended(), "not ending");
    assertTrue(ends.endAtNext(), "between two events");
  }
}

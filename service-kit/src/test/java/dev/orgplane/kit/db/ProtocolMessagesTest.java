package dev.orgplane.kit.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class ProtocolMessagesTest {

  /** RowDescription-like 'T' whose body holds a 'Z', then ReadyForQuery twice: two answers, whatever the cuts. */
  private static final ByteBuf STREAM = Unpooled.buffer()
      .writeByte('T').writeInt(4 + 3).writeBytes(new byte[] {'Z', 0, 'Z'})
      .writeByte('Z').writeInt(5).writeByte('I')
      .writeByte('C').writeInt(4 + 2).writeBytes(new byte[] {'Z', 0})
      .writeByte('Z').writeInt(5).writeByte('T');

  @Test
  void countsMessagesOfATypeNotItsBytesInBodies() {
    assertEquals(2, new ProtocolMessages("Z").count(STREAM.duplicate()));
    assertEquals(0, STREAM.readerIndex());
  }

  /** Buffers cut anywhere, a header split between two of them included, count the same. */
  @Test
  void countsAcrossBuffersCutAnywhere() {
    for (int cut = 1; cut <= STREAM.readableBytes(); cut++) {
      var messages = new ProtocolMessages("Z");
      var found = 0;
      for (int at = 0; at < STREAM.readableBytes(); at += cut) {
        found += messages.count(STREAM.slice(at, Math.min(cut, STREAM.readableBytes() - at)));
      }
      assertEquals(2, found, "in buffers of " + cut + " bytes");
    }
  }
}

package dev.orgplane.kit.db;

import io.netty.buffer.ByteBuf;

/**
 * Counts the messages of some types in one direction of a PostgreSQL connection after its start: each message is a
 * type byte and a 4-byte length that counts itself, then the body. The stream arrives in buffers cut anywhere, a
 * header split between two of them included, so the position in the current message is kept between calls.
 */
final class ProtocolMessages {

  private static final int HEADER = 5;

  private final String counted;
  private int headerSeen;
  private byte type;
  private int length;
  private long bodyLeft;

  /** {@code types}: the type bytes to count, as characters ("QS"). */
  ProtocolMessages(String types) {
    this.counted = types;
  }

  /** How many counted messages start in {@code buffer}, read without moving its reader index. */
  int count(ByteBuf buffer) {
    var found = 0;
    var at = buffer.readerIndex();
    var end = buffer.writerIndex();
    while (at < end) {
      if (bodyLeft > 0) {
        var skipped = (int) Math.min(bodyLeft, end - at);
        at += skipped;
        bodyLeft -= skipped;
        continue;
      }
      var next = buffer.getByte(at++);
      if (headerSeen == 0) {
        type = next;
        length = 0;
      } else {
        length = length << 8 | next & 0xff;
      }
      if (++headerSeen == HEADER) {
        headerSeen = 0;
        bodyLeft = length - 4L;
        if (counted.indexOf(type) >= 0) {
          found++;
        }
      }
    }
    return found;
  }
}

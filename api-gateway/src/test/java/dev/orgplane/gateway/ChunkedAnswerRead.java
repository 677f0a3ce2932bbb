package dev.orgplane.gateway;

import java.nio.charset.StandardCharsets;

/**
 * How much of a chunked answer a caller read off its socket, and its last bytes: whether it ended. It keeps no more:
 * looking for the end in all it read, at each read, made a caller slow enough on a busy machine to stretch the time
 * between the gateway's writes.
 */
final class ChunkedAnswerRead {

  private static final String END = "\r\n0\r\n\r\n";
  private long bytes;
  private String tail = "";

  void took(byte[] buffer, int length) {
    bytes += length;
    var last = tail + new String(buffer, Math.max(0, length - END.length()), Math.min(length, END.length()),
        StandardCharsets.US_ASCII);
    tail = last.substring(Math.max(0, last.length() - END.length()));
  }

  /** The bytes read, head and chunk lines with them. */
  long bytes() {
    return bytes;
  }

  boolean endsWhole() {
    return tail.equals(END);
  }
}

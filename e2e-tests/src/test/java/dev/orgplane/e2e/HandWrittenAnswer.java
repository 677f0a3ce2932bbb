package dev.orgplane.e2e;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** An HTTP/1.1 answer read to the end of its connection ({@code Connection: close}), as {@link Gateway.Reply}. */
final class HandWrittenAnswer {

  private static final byte[] END_OF_HEAD = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private HandWrittenAnswer() {
  }

  static Gateway.Reply parse(byte[] answer) {
    int headEnd = indexOf(answer, END_OF_HEAD, 0);
    if (headEnd < 0) {
      throw new IllegalStateException("no complete head in " + new String(answer, StandardCharsets.ISO_8859_1));
    }
    var lines = new String(answer, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
    }
    var body = Arrays.copyOfRange(answer, headEnd + END_OF_HEAD.length, answer.length);
    if ("chunked".equals(headers.getOrDefault("Transfer-Encoding", "").toLowerCase(Locale.ROOT))) {
      body = dechunk(body);
    }
    return new Gateway.Reply(status, headers.getOrDefault("Content-Type", ""), new String(body, StandardCharsets.UTF_8),
        headers.get("ETag"), headers.get("Location"));
  }

  /** The chunks' data, up to the last (empty) chunk; trailers and chunk extensions are not ours to read. */
  private static byte[] dechunk(byte[] chunked) {
    var data = new ByteArrayOutputStream();
    int at = 0;
    while (true) {
      int lineEnd = indexOf(chunked, "\r\n".getBytes(StandardCharsets.US_ASCII), at);
      var size = new String(chunked, at, lineEnd - at, StandardCharsets.US_ASCII).split(";")[0].trim();
      int length = Integer.parseInt(size, 16);
      if (length == 0) {
        return data.toByteArray();
      }
      data.write(chunked, lineEnd + 2, length);
      at = lineEnd + 2 + length + 2;
    }
  }

  private static int indexOf(byte[] bytes, byte[] sought, int from) {
    for (int i = from; i <= bytes.length - sought.length; i++) {
      if (Arrays.equals(bytes, i, i + sought.length, sought, 0, sought.length)) {
        return i;
      }
    }
    return -1;
  }
}

package dev.orgplane.gateway.routing;

import dev.orgplane.kit.http.RequestIds;
import dev.orgplane.kit.http.ServiceHttp;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The head of a plain upstream answer, read in place from the bytes that carry it, and written for the caller from
 * them ({@link RawAnswers}): an HTTP/1.1 success but 204, its body's length given once and at most
 * {@value #MAX_BODY_BYTES} bytes, no transfer coding, no event stream, a Connection header naming at most
 * {@code close} or {@code keep-alive}, and nothing a decoder would have to forgive (a folded line, a control
 * character, a name that is no token, a head past {@value #MAX_BYTES} bytes). Any other answer is decoded, as every
 * answer was: {@link #read} says so and leaves its bytes as they are. What the caller gets is what the decoded path
 * writes ({@link FastExchange#head}): the status line of HTTP/1.1 with the status's own reason, the upstream's fields
 * but the hop-by-hop ones and its request id ({@link HopHeaders}), then ours: Vary (with CORS), the request id and the
 * length.
 */
final class AnswerHead {

  /** A head longer than this is left to the decoder, which refuses one past its own limit. */
  static final int MAX_BYTES = 8192;
  /** Larger bodies are relayed decoded, which a slow caller's idle timeout follows (see {@link FastReads}). */
  static final int MAX_BODY_BYTES = 256 * 1024;
  /** The head's end has not arrived yet. */
  static final AnswerHead INCOMPLETE = new AnswerHead(0, 0, 0, false, false, false, null, 0);
  /** An answer to decode. */
  static final AnswerHead NOT_PLAIN = new AnswerHead(0, 0, 0, false, false, false, null, 0);

  private static final int NO_LINE = -1;
  private static final int BARE = -2;
  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte[] VERSION = "HTTP/1.1 ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[][] STATUS_LINES = new byte[100][];
  private static final byte[] VARY_ORIGIN = "Vary: Origin\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REQUEST_ID = (RequestIds.HEADER + ": ").getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONTENT_LENGTH = "\r\nContent-Length: ".getBytes(StandardCharsets.US_ASCII);
  private static final AsciiString EVENT_STREAM = AsciiString.of("text/event-stream");
  private static final AsciiString CLOSE = AsciiString.of("close");
  private static final AsciiString KEEP_ALIVE = AsciiString.of("keep-alive");
  /** RFC 9110's tchar: what a field name is made of. */
  private static final boolean[] TOKEN = new boolean[128];

  static {
    for (int code = 200; code < 300; code++) {
      var status = HttpResponseStatus.valueOf(code);
      STATUS_LINES[code - 200] = ("HTTP/1.1 " + code + " " + status.reasonPhrase() + "\r\n")
          .getBytes(StandardCharsets.US_ASCII);
    }
    for (char c = '0'; c <= 'z'; c++) {
      TOKEN[c] = Character.isLetterOrDigit(c);
    }
    "!#$%&'*+-.^_`|~".chars().forEach(c -> TOKEN[c] = true);
  }

  private final int size;
  private final int status;
  private final int length;
  private final boolean keepAlive;
  private final boolean varies;
  private final boolean encoded;
  /** Where each field that goes on starts and ends (its CRLF included), from the head's first byte. */
  private final int[] kept;
  private final int keptFields;

  private AnswerHead(int size, int status, int length, boolean keepAlive, boolean varies, boolean encoded, int[] kept,
      int keptFields) {
    this.size = size;
    this.status = status;
    this.length = length;
    this.keepAlive = keepAlive;
    this.varies = varies;
    this.encoded = encoded;
    this.kept = kept;
    this.keptFields = keptFields;
  }

  /**
   * The head that starts at {@code bytes}' reader index, read without moving it: {@link #INCOMPLETE} if its end is
   * still to come, {@link #NOT_PLAIN} if it is not a plain answer's.
   */
  static AnswerHead read(ByteBuf bytes) {
    int from = bytes.readerIndex();
    int available = Math.min(bytes.readableBytes(), MAX_BYTES);
    int lineEnd = lineEnd(bytes, from, from + available);
    if (lineEnd < 0) {
      return unended(bytes, lineEnd);
    }
    int status = status(bytes, from, lineEnd);
    if (status < 0) {
      return NOT_PLAIN;
    }
    var fields = new Fields(from);
    for (int line = lineEnd + 1; ; ) {
      int end = lineEnd(bytes, line, from + available);
      if (end < 0) {
        return unended(bytes, end);
      }
      if (end == line + 1) {
        return fields.head(end + 1 - from, status);
      }
      if (!fields.read(bytes, line, end - 1)) {
        return NOT_PLAIN;
      }
      line = end + 1;
    }
  }

  /** What a line without its end tells: a head still to come, unless it is too long or the line no plain one. */
  private static AnswerHead unended(ByteBuf bytes, int lineEnd) {
    return lineEnd == NO_LINE && bytes.readableBytes() < MAX_BYTES ? INCOMPLETE : NOT_PLAIN;
  }

  /**
   * The index of the LF ending the line at {@code from}: {@link #NO_LINE} if not before {@code to}, {@link #BARE}
   * if a CR or LF in it is not a CRLF (which a decoder forgives, or refuses).
   */
  private static int lineEnd(ByteBuf bytes, int from, int to) {
    int lf = bytes.indexOf(from, to, LF);
    if (lf < 0) {
      return NO_LINE;
    }
    return lf > from && bytes.getByte(lf - 1) == CR && bytes.indexOf(from, lf - 1, CR) < 0 ? lf : BARE;
  }

  /** The status of a status line {@code [from, lf]} of HTTP/1.1 that is plain; -1 for any other. */
  private static int status(ByteBuf bytes, int from, int lf) {
    if (lf - from < VERSION.length + 4) {
      return -1;
    }
    for (int i = 0; i < VERSION.length; i++) {
      if (bytes.getByte(from + i) != VERSION[i]) {
        return -1;
      }
    }
    int at = from + VERSION.length;
    int status = 0;
    for (int i = 0; i < 3; i++) {
      int digit = bytes.getByte(at + i) - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      status = status * 10 + digit;
    }
    byte after = bytes.getByte(at + 3);
    boolean plain = status >= 200 && status < 300 && status != 204 && (after == ' ' || after == CR)
        && printable(bytes, at + 3, lf - 1);
    return plain ? status : -1;
  }

  /** What the fields of a head tell, read one at a time. */
  private static final class Fields {
    private final int from;
    private int[] kept = new int[32];
    private int keptFields;
    private long length = -1;
    private boolean keepAlive = true;
    private boolean varies;
    private boolean encoded;

    Fields(int from) {
      this.from = from;
    }

    /** Reads the field {@code [start, cr)}: false if the answer is not plain for it. */
    boolean read(ByteBuf bytes, int start, int cr) {
      int colon = bytes.indexOf(start, cr, (byte) ':');
      if (colon <= start || !token(bytes, start, colon) || !printable(bytes, colon + 1, cr)) {
        return false;
      }
      int nameLength = colon - start;
      int value = skipSpace(bytes, colon + 1, cr);
      int valueEnd = cr;
      while (valueEnd > value && isSpace(bytes.getByte(valueEnd - 1))) {
        valueEnd--;
      }
      if (is(bytes, start, nameLength, HttpHeaderNames.CONTENT_LENGTH)) {
        return length < 0 && (length = digits(bytes, value, valueEnd)) >= 0;
      }
      if (is(bytes, start, nameLength, HttpHeaderNames.TRANSFER_ENCODING)) {
        return false;
      }
      if (is(bytes, start, nameLength, HttpHeaderNames.CONNECTION)) {
        return connection(bytes, value, valueEnd);
      }
      if (is(bytes, start, nameLength, HttpHeaderNames.CONTENT_TYPE)
          && startsWith(bytes, value, valueEnd, EVENT_STREAM)) {
        return false;
      }
      varies |= is(bytes, start, nameLength, HttpHeaderNames.VARY);
      encoded |= is(bytes, start, nameLength, HttpHeaderNames.CONTENT_ENCODING);
      // the request id is ours to give, and hop-by-hop
      if (!hopByHop(bytes, start, nameLength)) {
        keep(start, cr + 2);
      }
      return true;
    }

    /** Only {@code close} (which the connection's reuse follows) or {@code keep-alive}, one per line. */
    private boolean connection(ByteBuf bytes, int value, int end) {
      if (is(bytes, value, end - value, CLOSE)) {
        keepAlive = false;
        return true;
      }
      return is(bytes, value, end - value, KEEP_ALIVE);
    }

    private void keep(int start, int end) {
      if (keptFields * 2 == kept.length) {
        kept = Arrays.copyOf(kept, kept.length * 2);
      }
      kept[keptFields * 2] = start - from;
      kept[keptFields * 2 + 1] = end - from;
      keptFields++;
    }

    AnswerHead head(int size, int status) {
      if (length < 0 || length > MAX_BODY_BYTES) {
        return NOT_PLAIN;
      }
      return new AnswerHead(size, status, (int) length, keepAlive, varies, encoded, kept, keptFields);
    }
  }

  /** The head's bytes, its empty line included: its body follows. */
  int size() {
    return size;
  }

  int status() {
    return status;
  }

  /** The body's length. */
  int length() {
    return length;
  }

  /** Whether the upstream keeps the connection open after the answer. */
  boolean keepAlive() {
    return keepAlive;
  }

  /** Whether the upstream gave a Vary, which a gateway that adds one merges ({@link Vary}): decoded. */
  boolean varies() {
    return varies;
  }

  /**
   * Whether the gateway's server would compress the answer for a caller that accepts a coding: not encoded by its
   * upstream, and not shorter than {@link ServiceHttp#COMPRESSED_FROM_BYTES}.
   */
  boolean compressible() {
    return !encoded && length >= ServiceHttp.COMPRESSED_FROM_BYTES;
  }

  /**
   * The head the caller gets, from {@code source} (whose reader index is still at the head's start), with our
   * {@code requestId}, and {@code Vary: Origin} if {@code varyOnOrigin}.
   */
  ByteBuf relayed(ByteBuf source, ByteBufAllocator alloc, String requestId, boolean varyOnOrigin) {
    var out = alloc.ioBuffer(size + 64 + requestId.length());
    out.writeBytes(STATUS_LINES[status - 200]);
    int from = source.readerIndex();
    for (int i = 0; i < keptFields; i++) {
      out.writeBytes(source, from + kept[i * 2], kept[i * 2 + 1] - kept[i * 2]);
    }
    if (varyOnOrigin) {
      out.writeBytes(VARY_ORIGIN);
    }
    out.writeBytes(REQUEST_ID);
    out.writeCharSequence(requestId, StandardCharsets.US_ASCII);
    out.writeBytes(CONTENT_LENGTH);
    out.writeCharSequence(Integer.toString(length), StandardCharsets.US_ASCII);
    out.writeInt(0x0d0a0d0a);
    return out;
  }

  private static boolean hopByHop(ByteBuf bytes, int start, int length) {
    for (var name : HopHeaders.HOP_BY_HOP) {
      if (is(bytes, start, length, name)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code [start, start + length)} is {@code name}, without case. */
  private static boolean is(ByteBuf bytes, int start, int length, AsciiString name) {
    if (length != name.length()) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (lower(bytes.getByte(start + i)) != lower(name.byteAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static int lower(byte b) {
    return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
  }

  private static boolean startsWith(ByteBuf bytes, int start, int end, AsciiString prefix) {
    return end - start >= prefix.length() && is(bytes, start, prefix.length(), prefix);
  }

  /** The decimal number {@code [start, end)}, -1 if it is none or past {@link #MAX_BODY_BYTES} by far. */
  private static long digits(ByteBuf bytes, int start, int end) {
    if (start == end || end - start > 9) {
      return -1;
    }
    long number = 0;
    for (int i = start; i < end; i++) {
      int digit = bytes.getByte(i) - '0';
      if (digit < 0 || digit > 9) {
        return -1;
      }
      number = number * 10 + digit;
    }
    return number;
  }

  private static boolean token(ByteBuf bytes, int start, int end) {
    for (int i = start; i < end; i++) {
      byte b = bytes.getByte(i);
      if (b < 0 || !TOKEN[b]) {
        return false;
      }
    }
    return true;
  }

  /** No control character but the tab: what a decoder takes as it is. */
  private static boolean printable(ByteBuf bytes, int start, int end) {
    for (int i = start; i < end; i++) {
      byte b = bytes.getByte(i);
      if (b >= 0 && b < ' ' && b != '\t' || b == 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static int skipSpace(ByteBuf bytes, int from, int to) {
    while (from < to && isSpace(bytes.getByte(from))) {
      from++;
    }
    return from;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\t';
  }
}

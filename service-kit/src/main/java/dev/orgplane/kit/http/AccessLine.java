package dev.orgplane.kit.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * One access line, written as bytes into a buffer its thread reuses for every line: no string, no
 * logging event, no encoder on the way. It starts like the log's other lines (time with offset, level,
 * logger), so both read alike on one console, and goes on with JSON built by the caller.
 */
final class AccessLine {

  private static final ThreadLocal<AccessLine> PER_THREAD = ThreadLocal.withInitial(AccessLine::new);
  private static final DateTimeFormatter TO_THE_SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
  private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("XXX");
  private static final ZoneId ZONE = ZoneId.systemDefault();
  private static final String AFTER_TIME = " INFO  orgplane.access - ";

  private byte[] bytes = new byte[512];
  private int length;
  /** The second the cached time texts are for: formatting a date costs more than the rest of the line. */
  private long second = Long.MIN_VALUE;
  private String secondText;
  private String offsetText;

  private AccessLine() {
  }

  /** This thread's line, emptied and begun with {@code epochMillis} as the time. */
  static AccessLine begin(long epochMillis) {
    var line = PER_THREAD.get();
    line.length = 0;
    return line.time(epochMillis).ascii(AFTER_TIME);
  }

  private AccessLine time(long epochMillis) {
    long epochSecond = Math.floorDiv(epochMillis, 1000);
    if (epochSecond != second) {
      var time = Instant.ofEpochSecond(epochSecond).atZone(ZONE);
      secondText = TO_THE_SECOND.format(time);
      offsetText = OFFSET.format(time);
      second = epochSecond;
    }
    ascii(secondText).put('.');
    return threeDigits(Math.floorMod(epochMillis, 1000)).ascii(offsetText);
  }

  /**
   * Text known to be printable ASCII, such as the JSON between the values. Copied whole: a line is mostly ids and
   * paths, and a loop over their characters was a few percent of the gateway's CPU per proxied read.
   */
  @SuppressWarnings("deprecation") // the low byte of each character: all of an ASCII character, in one array copy
  AccessLine ascii(String text) {
    ensure(text.length());
    text.getBytes(0, text.length(), bytes, length);
    length += text.length();
    return this;
  }

  /** A JSON string, or {@code null}. Ids and paths seldom need escaping: those are copied as they are. */
  AccessLine quoted(String value) {
    if (value == null) {
      return ascii("null");
    }
    put('"');
    if (plain(value)) {
      ascii(value);
    } else {
      var escaped = JsonStringEncoder.getInstance().quoteAsUTF8(value);
      ensure(escaped.length);
      System.arraycopy(escaped, 0, bytes, length, escaped.length);
      length += escaped.length;
    }
    return put('"');
  }

  AccessLine number(long value) {
    return ascii(Long.toString(value));
  }

  /** A duration in milliseconds with three decimals (to the microsecond). */
  AccessLine millis(long nanos) {
    long micros = nanos / 1000;
    return number(micros / 1000).put('.').threeDigits(micros % 1000);
  }

  /** Ends the line with a newline. */
  AccessLine end() {
    return put('\n');
  }

  byte[] bytes() {
    return bytes;
  }

  int length() {
    return length;
  }

  private AccessLine threeDigits(long value) {
    ensure(3);
    bytes[length++] = (byte) ('0' + value / 100);
    bytes[length++] = (byte) ('0' + value / 10 % 10);
    bytes[length++] = (byte) ('0' + value % 10);
    return this;
  }

  private AccessLine put(char ascii) {
    ensure(1);
    bytes[length++] = (byte) ascii;
    return this;
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }

  private static boolean plain(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || c > 0x7e) {
        return false;
      }
    }
    return true;
  }
}

package dev.orgplane.kit.http;

import dev.orgplane.kit.config.Settings;
import io.vertx.core.json.JsonObject;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where access lines go: appended to a buffer in memory, which a thread of its own writes out every
 * {@code flushMillis}, sooner once half of it is used, and at {@link #close()}. An event loop never writes
 * and never waits: appending is a copy under an uncontended lock. Lines reach the output at most
 * {@code flushMillis} late, as with nginx's {@code access_log ... flush=}; a process killed with -9 loses
 * at most that much. Should the output fall so far behind that the buffer fills, lines are dropped and the
 * count is logged, rather than slowing every request down to the console's pace.
 *
 * <p>The lines bypass the logging framework: building a logging event, laying it out and encoding it cost
 * the gateway more than a tenth of its CPU per proxied request.
 */
public final class AccessLogSink implements AutoCloseable {

  /** The flush period of the process's sink, from the environment (milliseconds). */
  public static final String FLUSH_MILLIS = "ORGPLANE_ACCESS_LOG_FLUSH_MILLIS";
  /**
   * PIPE_BUF: a write of whole lines up to this size reaches a pipe in one piece, so the log's other lines,
   * written to the same standard output by the logging framework, never land inside an access line.
   */
  static final int WRITE_BYTES = 4096;
  /**
   * Each of the two buffers: a tenth of a second of lines at 10,000 requests a second, woken at half. Larger
   * ones (2 MiB) were allocated straight into the old generation and kept the engine's small heap (live data
   * about 20 MB of 44) in concurrent cycles, until G1 grew it to 150 MB.
   */
  private static final int BUFFER_BYTES = 256 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(AccessLogSink.class);
  private static AccessLogSink standardOutput;

  private final OutputStream out;
  private final long flushNanos;
  private final Thread writer;
  private byte[] filling;
  private byte[] writing;
  private int filled;
  private long dropped;
  private boolean wakeRequested;
  private volatile boolean closed;

  AccessLogSink(OutputStream out, long flushMillis, int bufferBytes) {
    this.out = out;
    this.flushNanos = TimeUnit.MILLISECONDS.toNanos(flushMillis);
    this.filling = new byte[bufferBytes];
    this.writing = new byte[bufferBytes];
    this.writer = new Thread(this::writeUntilClosed, "access-log-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /** The process's sink, on standard output; started by the first access log that asks for it. */
  public static synchronized AccessLogSink standardOutput() {
    if (standardOutput == null) {
      standardOutput = new AccessLogSink(new FileOutputStream(FileDescriptor.out),
          flushMillis(System.getenv().getOrDefault(FLUSH_MILLIS, "200")), BUFFER_BYTES);
    }
    return standardOutput;
  }

  /** {@value #FLUSH_MILLIS}, from the environment (the sink may start before any configuration is loaded). */
  static long flushMillis(String setting) {
    return new Settings(new JsonObject().put(FLUSH_MILLIS, setting)).periodMillis(FLUSH_MILLIS);
  }

  /** Writes out what the process's sink still holds, at the end of an orderly stop; nothing if none was started. */
  public static synchronized void closeStandardOutput() {
    if (standardOutput != null) {
      standardOutput.close();
    }
  }

  /** Appends {@code length} bytes of {@code line}, one or more whole lines ending in a newline. */
  public synchronized void append(byte[] line, int length) {
    if (closed || filled + length > filling.length) {
      dropped++;
      return;
    }
    System.arraycopy(line, 0, filling, filled, length);
    filled += length;
    if (!wakeRequested && filled > filling.length / 2) {
      wakeRequested = true;
      LockSupport.unpark(writer);
    }
  }

  private void writeUntilClosed() {
    while (!closed) {
      LockSupport.parkNanos(this, flushNanos);
      writeOut();
    }
  }

  /** Swaps the buffers, so appending goes on while the full one is written. Only ever run by one thread at a time. */
  private void writeOut() {
    byte[] lines;
    int length;
    long lost;
    synchronized (this) {
      lines = filling;
      length = filled;
      lost = dropped;
      filling = writing;
      writing = lines;
      filled = 0;
      dropped = 0;
      wakeRequested = false;
    }
    try {
      for (int start = 0; start < length; ) {
        int end = pieceEnd(lines, start, length);
        out.write(lines, start, end - start);
        start = end;
      }
      out.flush();
    } catch (IOException e) {
      // standard output is gone (its reader quit): there is nowhere left to say so
      return;
    }
    if (lost > 0) {
      LOG.warn("{} access log lines were dropped: the output took them slower than requests came", lost);
    }
  }

  /** The end of the piece starting at {@code start}: whole lines up to {@value #WRITE_BYTES} bytes, or a part of one longer line. */
  static int pieceEnd(byte[] lines, int start, int length) {
    int end = Math.min(start + WRITE_BYTES, length);
    if (end == length) {
      return end;
    }
    for (int i = end - 1; i >= start; i--) {
      if (lines[i] == '\n') {
        return i + 1;
      }
    }
    return end;
  }

  /** Stops the writer and writes out what is left; lines appended afterwards are dropped. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    LockSupport.unpark(writer);
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writeOut();
  }
}

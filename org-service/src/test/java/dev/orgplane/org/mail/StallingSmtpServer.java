package dev.orgplane.org.mail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An SMTP server that takes its time over the first mail: having read its body, it says nothing for {@code stallMillis}
 * and then accepts it (250), as a relay busy scanning it would, unless the client hung up meanwhile, which leaves that
 * mail undelivered. Every later mail it accepts at once. Counts the mails it accepted.
 */
final class StallingSmtpServer implements AutoCloseable {

  private final ServerSocket listener;
  private final long stallMillis;
  private final AtomicInteger dataSeen = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();
  private final CountDownLatch stallOver = new CountDownLatch(1);

  StallingSmtpServer(long stallMillis) throws IOException {
    this.stallMillis = stallMillis;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon(this::acceptAll);
  }

  int port() {
    return listener.getLocalPort();
  }

  /** The mails accepted (answered 250 at the end of their body) so far. */
  int accepted() {
    return accepted.get();
  }

  /** Counted down once the stalled mail is settled: accepted after the stall, or its client gone first. */
  CountDownLatch stallOver() {
    return stallOver;
  }

  private void acceptAll() {
    while (!listener.isClosed()) {
      try {
        var socket = listener.accept();
        daemon(() -> converse(socket));
      } catch (IOException e) {
        // closed: the test is over
      }
    }
  }

  private void converse(Socket socket) {
    try (socket) {
      var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      var out = socket.getOutputStream();
      reply(out, "220 stalling.test ESMTP");
      String line;
      while ((line = in.readLine()) != null) {
        var command = line.length() < 4 ? line : line.substring(0, 4).toUpperCase();
        switch (command) {
          case "EHLO", "HELO" -> reply(out, "250 stalling.test");
          case "DATA" -> {
            reply(out, "354 go ahead");
            while (!".".equals(in.readLine())) {
              // the body: nothing here looks at it
            }
            var stalled = dataSeen.incrementAndGet() == 1;
            var delivered = !stalled || outlasted(socket);
            if (delivered) {
              accepted.incrementAndGet();
            }
            if (stalled) {
              stallOver.countDown();
            }
            if (!delivered) {
              return;
            }
            reply(out, "250 queued");
          }
          case "QUIT" -> {
            reply(out, "221 bye");
            return;
          }
          default -> reply(out, "250 ok");
        }
      }
    } catch (IOException e) {
      // the client hung up
    }
  }

  /** Waits out the stall; false if the client hung up first (the mail is then not delivered). */
  private boolean outlasted(Socket socket) throws IOException {
    socket.setSoTimeout((int) stallMillis);
    try {
      return socket.getInputStream().read() != -1;
    } catch (SocketTimeoutException e) {
      return true;
    } catch (IOException e) {
      return false;
    } finally {
      socket.setSoTimeout(0);
    }
  }

  private static void reply(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static void daemon(Runnable work) {
    var thread = new Thread(work, "stalling-smtp");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}

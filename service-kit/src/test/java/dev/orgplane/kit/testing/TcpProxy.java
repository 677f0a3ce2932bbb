package dev.orgplane.kit.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of a server (PostgreSQL, a service) that a test can cut (every connection
 * dropped, new ones refused, as when the server stops) and restore, or silence (connections stay
 * open and what either side sends is dropped, as when the network between them loses every packet)
 * and let speak again, without touching the server.
 */
public final class TcpProxy implements AutoCloseable {

  private final int port;
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket listener;
  private volatile boolean silent;

  private TcpProxy(String targetHost, int targetPort) {
    this.port = freePort();
    this.targetHost = targetHost;
    this.targetPort = targetPort;
  }

  public static TcpProxy start(String targetHost, int targetPort) {
    var proxy = new TcpProxy(targetHost, targetPort);
    proxy.restore();
    return proxy;
  }

  public int port() {
    return port;
  }

  /** The server "stops": open connections break and new ones are refused. */
  public synchronized void cut() {
    closeQuietly(listener);
    sockets.forEach(TcpProxy::closeQuietly);
    sockets.clear();
  }

  /** The network goes silent: open connections stay open, and the bytes either side sends are dropped. */
  public void silence() {
    silent = true;
  }

  /** The network carries bytes again (those dropped meanwhile stay lost). */
  public void speak() {
    silent = false;
  }

  /** The server is back on the same address. */
  public synchronized void restore() {
    try {
      var server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress("127.0.0.1", port));
      listener = server;
      daemon("tcp-proxy-accept", () -> accept(server));
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on " + port, e);
    }
  }

  private void accept(ServerSocket server) {
    while (!server.isClosed()) {
      try {
        var client = server.accept();
        try {
          var upstream = new Socket(targetHost, targetPort);
          if (kept(server, client, upstream)) {
            pump(client, upstream);
            pump(upstream, client);
          }
        } catch (IOException e) {
          // the server refused: the client sees a broken connection
          closeQuietly(client);
        }
      } catch (IOException e) {
        // the listener was closed by cut()
      }
    }
  }

  /**
   * Keeps a connection for the next {@link #cut()} to drop, under its lock; one accepted as a cut came is dropped
   * now. Until session 33 one accepted while cut() ran could be added after it had closed the others and carry calls
   * on through the cut, unbroken: the likely way a page read its template from a service cut off (StoppedStepsTest,
   * once on a loaded machine).
   */
  private synchronized boolean kept(ServerSocket server, Socket client, Socket upstream) {
    if (server.isClosed()) {
      closeQuietly(client);
      closeQuietly(upstream);
      return false;
    }
    sockets.add(client);
    sockets.add(upstream);
    return true;
  }

  private void pump(Socket from, Socket to) {
    daemon("tcp-proxy-pump", () -> {
      try (from; to) {
        var in = from.getInputStream();
        var out = to.getOutputStream();
        var buffer = new byte[8192];
        for (int read; (read = in.read(buffer)) >= 0; ) {
          if (!silent) {
            out.write(buffer, 0, read);
          }
        }
      } catch (IOException e) {
        // one side closed: close both (try-with-resources)
      }
    });
  }

  /**
   * A port nothing listens on, for a server a test starts later, taken below the kernel's ephemeral range: a port
   * of that range (what binding to 0 gives) may become the local end of an outgoing connection before the server
   * binds it, and the server then fails to start ("Address already in use", seen once in session 15). Never the
   * same port twice in one JVM.
   */
  public static int freePort() {
    var below = ephemeralRangeStart();
    for (int attempt = 0; attempt < 200; attempt++) {
      var port = FIXED_PORTS_FROM + RANDOM.nextInt(below - FIXED_PORTS_FROM);
      if (HANDED_OUT.add(port) && listenable(port)) {
        return port;
      }
    }
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }

  private static final int FIXED_PORTS_FROM = 10_000;
  private static final java.util.Random RANDOM = new java.util.Random();
  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** The first port the kernel hands to outgoing connections (Linux's setting; 32768, its default, elsewhere). */
  private static int ephemeralRangeStart() {
    try {
      var range = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
      var start = Integer.parseInt(range.trim().split("\\s+")[0]);
      return start > FIXED_PORTS_FROM + 1_000 ? start : 32_768;
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }

  private static boolean listenable(int port) {
    try (var socket = new ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void daemon(String name, Runnable work) {
    var thread = new Thread(work, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      if (closeable != null) {
        closeable.close();
      }
    } catch (Exception e) {
      // already closed
    }
  }

  @Override
  public void close() {
    cut();
  }
}

package dev.orgplane.kit.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of a server (PostgreSQL, a service) that a test can cut (every connection
 * dropped, new ones refused, as when the server stops) and restore, without touching the server.
 */
public final class TcpProxy implements AutoCloseable {

  private final int port;
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile ServerSocket listener;

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
        var upstream = new Socket(targetHost, targetPort);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        // the listener was closed by cut(), or the server refused: the client sees a broken connection
      }
    }
  }

  private void pump(Socket from, Socket to) {
    daemon("tcp-proxy-pump", () -> {
      try (from; to) {
        from.getInputStream().transferTo(to.getOutputStream());
      } catch (IOException e) {
        // one side closed: close both (try-with-resources)
      }
    });
  }

  /** A port nothing listens on now (the kernel's pick). */
  public static int freePort() {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
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

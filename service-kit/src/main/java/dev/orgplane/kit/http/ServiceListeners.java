package dev.orgplane.kit.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A service's HTTP servers: its TCP port and, when a path is configured, a Unix domain socket with
 * the same routes, so a caller on the same host (the gateway) can skip the loopback TCP stack. (On our
 * two-core machines that measured within the noise: the kernel time there is mostly context switches.)
 */
public final class ServiceListeners {

  private final HttpServer tcp;
  private final HttpServer socket;
  private final Draining draining;

  private ServiceListeners(HttpServer tcp, HttpServer socket, Draining draining) {
    this.tcp = tcp;
    this.socket = socket;
    this.draining = draining;
  }

  /**
   * {@code socketPath} blank: TCP only. The native transport replaces whatever is at the path (a socket
   * left by a killed process, as wanted), so a path naming a file or directory is refused first.
   */
  public static Future<ServiceListeners> open(Vertx vertx, Router router, String host, int port, String socketPath,
      Draining draining) {
    var handler = draining.around(HeadRequests.alongsideGets(router));
    if (socketPath == null || socketPath.isBlank()) {
      return ServiceHttp.listen(vertx, handler, host, port).map(tcp -> new ServiceListeners(tcp, null, draining));
    }
    var path = Path.of(socketPath);
    if (Files.isRegularFile(path) || Files.isDirectory(path)) {
      return Future.failedFuture(new IllegalStateException(
          "cannot listen on " + socketPath + ": it is a file or directory, not a socket"));
    }
    if (!unixSockets(vertx)) {
      return Future.failedFuture(new IllegalStateException(
          "cannot listen on " + socketPath + ": Unix sockets need the epoll transport (Linux x86_64)"));
    }
    return ServiceHttp.listen(vertx, handler, host, port).compose(tcp -> ServiceHttp.server(vertx, handler,
            ServiceHttp.serverOptions(HeadLimits.SERVICE), "unix:" + socketPath)
        .listen(SocketAddress.domainSocketAddress(socketPath))
        .map(socket -> new ServiceListeners(tcp, socket, draining))
        .recover(err -> tcp.close().transform(closed -> Future.failedFuture(new IllegalStateException(
            "cannot listen on " + socketPath + ": " + err.getMessage(), err)))));
  }

  /** Whether this Vert.x can listen on and connect to Unix sockets: on epoll, not on NIO or io_uring (Vert.x 5.0). */
  public static boolean unixSockets(Vertx vertx) {
    return vertx.isNativeTransportEnabled() && ((VertxInternal) vertx).transport().supportsDomainSockets();
  }

  public int port() {
    return tcp.actualPort();
  }

  /** Gives callers notice, then stops accepting on both and lets in-flight requests finish (see {@link Draining}). */
  public Future<Void> drain() {
    return draining.drain(tcp, socket);
  }
}

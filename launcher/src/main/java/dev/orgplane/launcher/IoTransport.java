package dev.orgplane.launcher;

import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.transport.Transport;
import java.util.Locale;

/**
 * The kernel interface a process's sockets run on, from {@value #VARIABLE} in the environment (not the
 * configuration file: Vert.x picks it when it starts, before any configuration is read). {@code epoll}, the
 * default, is Linux's readiness interface (Java's NIO where it is missing); {@code io_uring} hands the kernel
 * batches of reads and writes through shared rings, a fraction of the system calls: about a seventh less CPU
 * per proxied read at the gateway. Vert.x 5.0 has no Unix sockets on io_uring, so such a process listens and
 * connects on TCP only.
 */
enum IoTransport {
  EPOLL, IO_URING;

  static final String VARIABLE = "ORGPLANE_TRANSPORT";

  static IoTransport fromEnvironment() {
    return named(System.getenv(VARIABLE));
  }

  static IoTransport named(String name) {
    if (name == null || name.isBlank()) {
      return EPOLL;
    }
    for (var candidate : values()) {
      if (candidate.name().toLowerCase(Locale.ROOT).equals(name.trim())) {
        return candidate;
      }
    }
    throw new LauncherException(VARIABLE + " must be epoll or io_uring, got '" + name + "'");
  }

  /** A Vert.x on this transport; io_uring asked for but refused by the kernel (or a container's filter) fails. */
  VertxBuilder builder() {
    if (this == EPOLL) {
      return Vertx.builder();
    }
    if (!Transport.IO_URING.available()) {
      var cause = Transport.IO_URING.unavailabilityCause();
      throw new LauncherException(VARIABLE + "=io_uring, but this machine refuses io_uring (" + cause.getMessage()
          + "); leave it unset for epoll", cause);
    }
    return Vertx.builder().withTransport(Transport.IO_URING);
  }
}

package dev.orgplane.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * nginx as a plain reverse proxy in front of org-service (its Unix socket, or TCP), the hop the gateway makes,
 * with one worker (the gateway has one event loop) and kept-alive upstream connections. It verifies
 * no token and limits nothing, so it is the yardstick for the gateway's ratio: what proxying alone
 * costs on this machine, measured in the same run. Only the benchmarks start it, when given its
 * executable ({@code -Dbench.nginx=/usr/sbin/nginx}).
 */
final class NginxReference implements AutoCloseable {

  private final Process process;
  private final int port;

  private NginxReference(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** {@code upstream}: org-service as nginx names a server, {@code unix:/path} or {@code host:port}. */
  static NginxReference start(String executable, String upstream) {
    try {
      var dir = Files.createTempDirectory("orgplane-nginx");
      var port = Platform.freePort();
      Files.writeString(dir.resolve("nginx.conf"), configuration(dir, port, upstream));
      var process = new ProcessBuilder(executable, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("output.log").toFile()).start();
      var reference = new NginxReference(process, port);
      awaitListening(reference, dir);
      return reference;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  /** In the foreground, one process (no master), no access log; temporary files in {@code dir}. */
  private static String configuration(Path dir, int port, String upstream) {
    return """
        daemon off;
        master_process off;
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log;
        events { worker_connections 1024; use epoll; }
        http {
          access_log off;
          client_body_temp_path %1$s/body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
          upstream org_service { server %3$s; keepalive 128; }
          server {
            listen 127.0.0.1:%2$d;
            keepalive_requests 1000000;
            location / {
              proxy_pass http://org_service;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
            }
          }
        }
        """.formatted(dir, port, upstream);
  }

  private static void awaitListening(NginxReference reference, Path dir) throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      if (!reference.process.isAlive()) {
        throw new IllegalStateException("nginx stopped: " + Files.readString(dir.resolve("output.log")));
      }
      try (var socket = new java.net.Socket("127.0.0.1", reference.port)) {
        return;
      } catch (IOException notYet) {
        Platform.sleep(50);
      }
    }
    reference.close();
    throw new IllegalStateException("nginx did not listen on " + reference.port + " within 5 s");
  }

  @Override
  public void close() {
    process.destroy();
  }
}

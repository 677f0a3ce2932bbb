package dev.orgplane.kit.http;

import dev.orgplane.kit.testing.ClientCalls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceListenersTest {

  private static final Settings NO_NOTICE = new Settings(new JsonObject().put(Draining.NOTICE, "0")
      .put(Draining.GRACE, "0"));

  @TempDir
  Path dir;

  private Vertx vertx;
  private HttpClient client;
  private Router router;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    assertTrue(vertx.isNativeTransportEnabled(), "the build machines are Linux x86_64: " + vertx.unavailableNativeTransportCause());
    client = vertx.createHttpClient();
    router = Router.router(vertx);
    router.get("/hello").handler(ctx -> ctx.response().end("hello " + ctx.request().getHeader("Host")));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void answersOnTheSocketAndThePortAlike() {
    var socket = dir.resolve("svc.sock").toString();
    var listeners = ServiceListeners.open(vertx, router, "127.0.0.1", 0, socket, new Draining(vertx, NO_NOTICE)).await();

    assertEquals("hello localhost", get(new RequestOptions().setServer(SocketAddress.domainSocketAddress(socket))
        .setHost("localhost")));
    assertEquals("hello 127.0.0.1:" + listeners.port(), get(new RequestOptions().setHost("127.0.0.1")
        .setPort(listeners.port())));

    listeners.drain().await();
    assertFalse(Files.exists(Path.of(socket)), "closing removes the socket file");
  }

  @Test
  void replacesTheSocketAKilledProcessLeftBehind() {
    var socket = dir.resolve("svc.sock").toString();
    var killed = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    killed.createHttpServer().requestHandler(r -> r.response().end("old"))
        .listen(SocketAddress.domainSocketAddress(socket)).await();
    assertTrue(Files.exists(Path.of(socket)));

    ServiceListeners.open(vertx, router, "127.0.0.1", 0, socket, new Draining(vertx, NO_NOTICE)).await();

    assertEquals("hello localhost", get(new RequestOptions().setServer(SocketAddress.domainSocketAddress(socket))
        .setHost("localhost")));
    killed.close().await();
  }

  @Test
  void refusesAPathThatIsAFileAndLeavesItAlone() throws Exception {
    var notASocket = Files.writeString(dir.resolve("notes.txt"), "keep me");

    var failure = assertThrows(RuntimeException.class,
        () -> ServiceListeners.open(vertx, router, "127.0.0.1", 0, notASocket.toString(),
            new Draining(vertx, NO_NOTICE)).await());

    assertTrue(failure.getMessage().contains(notASocket.toString()), failure.getMessage());
    assertEquals("keep me", Files.readString(notASocket));
  }

  @Test
  void blankSocketPathMeansTcpOnly() {
    var listeners = ServiceListeners.open(vertx, router, "127.0.0.1", 0, "", new Draining(vertx, NO_NOTICE)).await();

    assertEquals("hello 127.0.0.1:" + listeners.port(), get(new RequestOptions().setHost("127.0.0.1")
        .setPort(listeners.port())));
    listeners.drain().await();
  }

  private String get(RequestOptions options) {
    return client.request(options.setMethod(HttpMethod.GET).setURI("/hello"))
        .compose(ClientCalls::send)
        .await().body().toString();
  }
}

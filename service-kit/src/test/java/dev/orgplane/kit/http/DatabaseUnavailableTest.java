package dev.orgplane.kit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.TcpProxy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which failures are answered 503 {@code service_unavailable}, "the database is unavailable". */
class DatabaseUnavailableTest {

  private final Vertx vertx = Vertx.vertx();
  private final TcpProxy network = TcpProxy.start(PgFixture.server().host(), PgFixture.server().port());

  @AfterEach
  void close() {
    network.close();
    vertx.close().await();
  }

  /** The code a service answers a request that failed with {@code failure}. */
  private String answerTo(Throwable failure) {
    var router = Router.router(vertx);
    ProblemFailureHandler.install(router);
    router.get("/failing").handler(ctx -> ctx.fail(failure));
    var server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    var answer = WebClient.create(vertx).get(server.actualPort(), "127.0.0.1", "/failing").send().await();
    return answer.statusCode() + " " + answer.bodyAsJsonObject().getString("code");
  }

  private static Throwable failureOf(Future<?> outcome) {
    return outcome.<Throwable>transform(done -> Future.succeededFuture(done.cause())).timeout(10, TimeUnit.SECONDS)
        .await();
  }

  @Test
  void aConnectionToPostgresqlLostIsTheDatabaseUnavailable() {
    var server = PgFixture.server();
    var url = new PgUrl("127.0.0.1", network.port(), server.database(), server.user(), server.password(), server.tls());
    var pool = Database.open(vertx, url, 1, List.of()).await();
    var connection = pool.getConnection().await();
    network.cut();

    assertEquals("503 service_unavailable", answerTo(failureOf(connection.query("SELECT 1").execute())));
  }

  /** Such as a call to another service whose connection closed: a bug or that service's trouble, not the database. */
  @Test
  void anHttpConnectionClosedIsNoDatabaseUnavailable() {
    var closing = vertx.createHttpServer().requestHandler(request -> request.connection().close())
        .listen(0, "127.0.0.1").await();
    var call = vertx.createHttpClient().request(HttpMethod.GET, closing.actualPort(), "127.0.0.1", "/")
        .compose(request -> request.send());

    assertEquals("500 internal_error", answerTo(failureOf(call)));
  }

  /** More instances times pool size than max_connections: the database refuses the pool's connection, a 503 too. */
  @Test
  void aDatabaseOutOfConnectionSlotsIsTheDatabaseUnavailable() {
    var full = new PgException("remaining connection slots are reserved for non-replication superuser connections",
        "FATAL", "53300", null);

    assertEquals("503 service_unavailable", answerTo(full));
  }
}

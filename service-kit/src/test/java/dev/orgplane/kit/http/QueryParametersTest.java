package dev.orgplane.kit.http;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class QueryParametersTest {

  private static final QueryParameters ORGANIZATIONS = QueryParameters.list("q", "state").withPrefix("metadata.");

  private static MultiMap query(String... namesAndValues) {
    var query = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      query.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return query;
  }

  @Test
  void declaredNamesPagingAndPrefixedFamiliesPass() {
    assertDoesNotThrow(() -> ORGANIZATIONS.check(query()));
    assertDoesNotThrow(() -> ORGANIZATIONS.check(query("limit", "5", "cursor", "abc", "q", "x", "state", "enabled",
        "metadata.tier", "gold")));
  }

  @Test
  void everyUnknownParameterIsNamedInOneAnswer() {
    var error = assertThrows(ApiException.class, () -> ORGANIZATIONS.check(query("stat", "enabled", "metdata.tier",
        "gold", "q", "x")));
    assertEquals(400, error.status());
    assertEquals("unknown_parameter", error.code());
    assertEquals(List.of("metdata.tier", "stat"), error.errors().stream().map(ApiException.FieldError::field).toList());
    assertEquals("Unknown query parameters metdata.tier, stat; this endpoint reads cursor, limit, metadata.<key>, q, "
        + "state.", error.getMessage());
  }

  @Test
  void aParameterGivenTwiceIsRefusedByNameAfterTheUnknownOnes() {
    var repeated = assertThrows(ApiException.class, () -> ORGANIZATIONS.check(query("state", "enabled", "q", "x",
        "state", "disabled", "metadata.tier", "gold", "metadata.tier", "silver")));
    assertEquals("repeated_parameter", repeated.code());
    assertEquals(List.of("metadata.tier", "state"),
        repeated.errors().stream().map(ApiException.FieldError::field).toList());
    var unknownFirst = assertThrows(ApiException.class, () -> ORGANIZATIONS.check(query("stat", "a", "stat", "b")));
    assertEquals("unknown_parameter", unknownFirst.code());
  }

  /** The query's map finds names without case; parameters are told apart as sent, as the keys they name are. */
  @Test
  void namesDifferingInCaseAreDifferentParameters() {
    assertDoesNotThrow(() -> ORGANIZATIONS.check(query("metadata.Tier", "gold", "metadata.tier", "silver")));
    var unknown = assertThrows(ApiException.class, () -> ORGANIZATIONS.check(query("state", "enabled", "STATE",
        "disabled")));
    assertEquals("unknown_parameter", unknown.code());
    assertEquals(List.of("STATE"), unknown.errors().stream().map(ApiException.FieldError::field).toList());
  }

  @Test
  void aPrefixIsNoNameOfItsOwnWithoutTheDot() {
    var error = assertThrows(ApiException.class, () -> ORGANIZATIONS.check(query("metadata", "x")));
    assertEquals("metadata", error.errors().get(0).field());
  }

  @Test
  void aRouteThatReadsNoneSaysSo() {
    var error = assertThrows(ApiException.class, () -> QueryParameters.NONE.check(query("fields", "name")));
    assertEquals("Unknown query parameter fields; this endpoint reads none.", error.getMessage());
  }

  @Test
  void aDeclaringRouteRefusesBeforeItsHandlerRunsAndTellsTheRouterWhatItReads() {
    var vertx = Vertx.vertx();
    try {
      var router = Router.router(vertx);
      ProblemFailureHandler.install(router);
      var handled = new AtomicInteger();
      var route = QueryParameters.named("email").on(router.get("/users")).handler(ctx -> {
        handled.incrementAndGet();
        ctx.end();
      });
      var undeclared = router.get("/elsewhere").handler(ctx -> ctx.end());
      var server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
      var client = WebClient.create(vertx);
      var refused = client.get(server.actualPort(), "127.0.0.1", "/users?email=a@b.c&fields=name").send().await();
      assertEquals(400, refused.statusCode());
      assertEquals("unknown_parameter", refused.bodyAsJsonObject().getString("code"));
      assertEquals(0, handled.get());
      assertEquals(200, client.get(server.actualPort(), "127.0.0.1", "/users?email=a@b.c").send().await().statusCode());
      assertEquals(1, handled.get());
      assertEquals(QueryParameters.named("email"), QueryParameters.of(route));
      assertEquals(null, QueryParameters.of(undeclared));
    } finally {
      vertx.close().await();
    }
  }
}

package dev.orgplane.org.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/**
 * What an open-while-disabled route costs the requests it answers: nothing. Reading an organization is its hottest
 * request; a mark on each, which only a refused one reads, was paid by all of them.
 */
class MembersOnlyErrorsTest {

  @Test
  void aRequestTheOpenRouteAnswersCarriesNoMarkOfIt() {
    var vertx = Vertx.vertx();
    try {
      var router = Router.router(vertx);
      MembersOnlyErrors.openWhileDisabled(router, router.get("/v1/organizations/:org"))
          .handler(ctx -> ctx.json(new JsonArray(new ArrayList<>(ctx.data().keySet()))));
      var server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
      var answer = WebClient.create(vertx).get(server.actualPort(), "127.0.0.1", "/v1/organizations/o1").send()
          .await();
      assertEquals(200, answer.statusCode());
      assertEquals(new JsonArray(), answer.bodyAsJsonArray());
    } finally {
      vertx.close().await();
    }
  }
}

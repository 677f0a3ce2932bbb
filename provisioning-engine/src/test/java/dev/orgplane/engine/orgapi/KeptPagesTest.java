package dev.orgplane.engine.orgapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.orgplane.copy.api.OrgApi;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeptPagesTest {

  private static OrgApi.Page page(int size) {
    return new OrgApi.Page(Collections.nCopies(size, new JsonObject()), null);
  }

  @Test
  void aPageEvictedWhileLoadingCountsNothingWhenItArrives() {
    var pages = new KeptPages(60_000, 2);
    var slow = Promise.<OrgApi.Page>promise();
    pages.page("t", "queues", null, 3, slow::future);
    pages.page("t", "queues", "next", 3, () -> Future.succeededFuture(page(3)));
    assertEquals(0, pages.objects(), "three objects over a bound of two: evicted, the loading page with them");
    slow.complete(page(1));
    assertEquals(0, pages.objects(), "the page that arrived after its eviction is not held, nor counted");
  }

  @Test
  void heldPagesAreSharedAndCounted() {
    var pages = new KeptPages(60_000, 10);
    var first = pages.page("t", "schemas", null, 3, () -> Future.succeededFuture(page(3)));
    assertSame(first, pages.page("t", "schemas", null, 3, () -> Future.failedFuture("read again")));
    var failing = pages.page("t", "schemas", "x", 3, () -> Future.failedFuture("down"));
    assertEquals(true, failing.failed());
    assertEquals(List.of(3, 3), List.of(pages.objects(), first.result().items().size()));
  }
}

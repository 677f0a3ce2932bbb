package dev.orgplane.engine.orgapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.orgplane.copy.api.OrgApi;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class KeptPagesTest {

  private static OrgApi.Page page(int size) {
    return new OrgApi.Page(Collections.nCopies(size, new JsonObject()), null);
  }

  /** A page of one object named {@code name}, followed by the page after {@code next} ({@code null}: the last). */
  private static Future<OrgApi.Page> page(String name, String next) {
    return Future.succeededFuture(new OrgApi.Page(List.of(new JsonObject().put("name", name)), next));
  }

  private static String name(Future<OrgApi.Page> page) {
    return page.result().items().get(0).getString("name");
  }

  @Test
  void aPageEvictedWhileLoadingCountsNothingWhenItArrives() {
    var pages = new KeptPages(60_000, 2);
    var reader = pages.reader();
    var slow = Promise.<OrgApi.Page>promise();
    reader.page("t", "queues", null, 3, slow::future);
    reader.page("t", "schemas", null, 3, () -> Future.succeededFuture(page(3)));
    assertEquals(0, pages.objects(), "three objects over a bound of two: evicted, the loading page with them");
    slow.complete(page(1));
    assertEquals(0, pages.objects(), "the page that arrived after its eviction is not held, nor counted");
  }

  @Test
  void heldPagesAreSharedAndCounted() {
    var pages = new KeptPages(60_000, 10);
    var first = pages.reader().page("t", "schemas", null, 3, () -> Future.succeededFuture(page(3)));
    assertSame(first, pages.reader().page("t", "schemas", null, 3, () -> Future.failedFuture("read again")));
    var failing = pages.reader().page("t", "queues", null, 3, () -> Future.failedFuture("down"));
    assertEquals(true, failing.failed());
    assertEquals("up", name(pages.reader().page("t", "queues", null, 3, () -> page("up", null))),
        "a failed page is not kept");
    assertEquals(List.of(4, 3), List.of(pages.objects(), first.result().items().size()));
  }

  /**
   * The pages after a first come from that first page's reading: a run that reads the first page anew, once the
   * reading it was kept with has expired, reads the next ones anew too, not those an earlier run read before the
   * template changed (and which were kept longer than its first page, each page once expiring on its own).
   */
  @Test
  void aRunsPagesComeFromTheReadingOfItsFirstPage() {
    var now = new AtomicLong();
    var pages = new KeptPages(10, 100, now::get);
    var early = pages.reader();
    assertEquals("role-b", name(early.page("t", "roles", null, 1, () -> page("role-b", "b"))));
    now.set(5);
    assertEquals("role-c", name(early.page("t", "roles", "b", 1, () -> page("role-c", null))));
    assertEquals("role-b", name(pages.reader().page("t", "roles", null, 1, () -> page("changed", null))),
        "unexpired, the first page's reading is shared");

    now.set(12);
    var late = pages.reader();
    assertEquals("role-b", name(late.page("t", "roles", null, 1, () -> page("role-b", "b"))));
    assertEquals("role-a", name(late.page("t", "roles", "b", 1, () -> page("role-a", null))),
        "the page after a first read anew is read anew, though the one read at 5 has not expired");
  }

  /** A batch queued after another's reading (a rollout right after a template's change) reads its template anew. */
  @Test
  void readingsAreSharedAmongTheReadersOfOneBatchOnly() {
    var pages = new KeptPages(60_000, 100);
    assertEquals("role-a", name(pages.reader("batch-1").page("t", "roles", null, 1, () -> page("role-a", null))));
    assertEquals("role-a", name(pages.reader("batch-1").page("t", "roles", null, 1, () -> page("changed", null))));
    assertEquals("changed", name(pages.reader("batch-2").page("t", "roles", null, 1, () -> page("changed", null))));
  }

  /** A run that did not get the page before from a reading held (resumed at its checkpoint) reads for itself. */
  @Test
  void aPageAfterOneNotFromAReadingIsReadAndNotKept() {
    var pages = new KeptPages(60_000, 100);
    pages.reader().page("t", "roles", null, 1, () -> page("role-b", "b"));
    assertEquals("role-c", name(pages.reader().page("t", "roles", "b", 1, () -> page("role-c", null))));
    assertEquals("role-d", name(pages.reader().page("t", "roles", "b", 1, () -> page("role-d", null))));
    assertEquals(1, pages.objects());
  }
}

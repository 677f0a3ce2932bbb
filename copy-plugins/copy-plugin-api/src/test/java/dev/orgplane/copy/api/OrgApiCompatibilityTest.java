package dev.orgplane.copy.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.orgplane.copy.api.OrgApi.CopiedPage;
import dev.orgplane.copy.api.OrgApi.Page;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** An org API written against the interface as it was (the 7-argument copyPage to implement) still works. */
class OrgApiCompatibilityTest {

  private static final CopiedPage COPIED = new CopiedPage(new PageResult(null, new Counts(1, 0, 0), List.of()), 0);

  /** Implements what an org API must implement, and no copyPage. */
  private static class ListingOrgApi implements OrgApi {

    @Override
    public Future<Page> list(String organization, String path, String cursor, int limit) {
      return Future.succeededFuture(cursor == null
          ? new Page(List.of(new JsonObject().put("id", "a")), "next")
          : new Page(List.of(new JsonObject().put("id", "b")), null));
    }

    @Override
    public Future<Counts> importBatch(String organization, String path, List<JsonObject> items, Existing existing) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Counts> put(String organization, String path, String id, JsonObject body) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<JsonObject> post(String organization, String path, JsonObject body) {
      throw new UnsupportedOperationException();
    }
  }

  /** Implements what an org API had to implement before copyPage took copiedElsewhere. */
  private static class OldOrgApi extends ListingOrgApi {

    @Override
    public Future<CopiedPage> copyPage(String source, String target, String path, String cursor, int limit,
        boolean copySecrets, Existing existing) {
      return Future.succeededFuture(COPIED);
    }
  }

  @Test
  @SuppressWarnings("deprecation")
  void listAllReadsEveryPage() {
    var all = new OldOrgApi().listAll("org", "queues").result();
    assertEquals(List.of("a", "b"), all.stream().map(item -> item.getString("id")).toList());
  }

  @Test
  void copyPageWithoutCopiedElsewhereReachesTheOldMethod() {
    var copied = new OldOrgApi().copyPage("from", "to", "queues", null, 100, false, Existing.UPDATE, Set.of());
    assertEquals(COPIED, copied.result());
  }

  @Test
  void copyPageWithCopiedElsewhereIsUnsupportedByTheOldMethod() {
    var copied = new OldOrgApi().copyPage("from", "to", "queues", null, 100, false, Existing.UPDATE, Set.of("x"));
    assertInstanceOf(UnsupportedOperationException.class, copied.cause());
  }

  @Test
  void anApiWithoutCopyPageAnswersUnsupported() {
    var copied = new ListingOrgApi().copyPage("from", "to", "queues", null, 100);
    assertInstanceOf(UnsupportedOperationException.class, copied.cause());
  }
}

package dev.orgplane.copy.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.OncePerRun;
import dev.orgplane.copy.api.OrgApi;
import dev.orgplane.copy.api.PageResult;
import dev.orgplane.copy.testkit.InMemoryOrgApi;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which members a team's copy keeps is read of the whole template's members, whose number org-service does not
 * bound: the read keeps their ids and lets each page go, so a template of 100,000 members costs a job no more than a
 * page of parsed members at a time (about 1.2 KB each), not all of them.
 */
class GroupsPluginMembersHeapTest {

  private static final String TEMPLATE = PluginRun.TEMPLATE;
  private static final String NEW_TENANT = "7e3b1a52-0000-4000-8000-0000000000fe";
  private static final int PAGE = 500;
  /** Six pages: holding them all, a read held 2,500 members when it asked for the last. */
  private static final int MEMBERS = 6 * PAGE;

  private final ExecutorService network = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    network.shutdownNow();
  }

  @Test
  void theTemplatesMembersAreHeldNoMoreThanAPageAtATime() {
    var template = new InMemoryOrgApi();
    var members = new ArrayList<String>();
    for (int i = 0; i < MEMBERS; i++) {
      var userId = UUID.randomUUID().toString();
      members.add(userId);
      template.objects(TEMPLATE, "users").put(userId, new JsonObject().put("userId", userId)
          .put("roles", new JsonArray().add("member")));
    }
    var teamId = UUID.randomUUID().toString();
    template.objects(TEMPLATE, "groups").put(teamId, new JsonObject().put("id", teamId).put("name", "everyone")
        .put("title", "Everyone").put("metadata", new JsonObject()).put("userIds", new JsonArray(members)));
    var watched = new MembersWatched(template, network);

    // planned on the network's thread, as a job's run is on its event loop: each answer then comes in a task of its
    // own, after the read that asked for it returned. Planned from the test's thread, an answer that came before the
    // read's next step was set ran that step on the test's thread, inside the last one: every earlier page's frame
    // was still on the stack (a full module run saw all 2,500 members held so)
    var planned = Promise.<PageResult>promise();
    network.execute(() -> new GroupsPlugin().plan(new PluginRun(watched, NEW_TENANT, null, PAGE, new OncePerRun()),
        Checkpoint.START).onComplete(planned));
    var page = planned.future().await();

    assertEquals(new Counts(1, 0, 0), page.counts());
    assertTrue(watched.pages >= 6, "the members took several pages: " + watched.pages);
    // the page in hand, and at most the one before it: a frame still unwinding from it (interpreted or compiled, the
    // JIT decides how long a local stays live) may hold it when the next is asked for
    assertTrue(watched.mostHeldBefore <= 2 * PAGE, "members of earlier pages still held when the next page was read: "
        + watched.mostHeldBefore);
  }

  /**
   * The kit's org API, answering each page of the template's members on another thread, as a network would (the
   * reader's stack of the page before is gone), and counting, before it reads the next, how many members of the
   * pages it gave are still held by anyone after a full collection.
   */
  private static final class MembersWatched implements WritesPassedOn {

    private final OrgApi api;
    private final ExecutorService network;
    private final List<WeakReference<JsonObject>> given = new ArrayList<>();
    int pages;
    long mostHeldBefore;

    MembersWatched(OrgApi api, ExecutorService network) {
      this.api = api;
      this.network = network;
    }

    @Override
    public OrgApi api() {
      return api;
    }

    @Override
    public Future<Page> list(String organization, String path, String cursor, int limit) {
      if (!organization.equals(TEMPLATE) || !path.equals("users")) {
        return api.list(organization, path, cursor, limit);
      }
      System.gc();
      mostHeldBefore = Math.max(mostHeldBefore, given.stream().filter(member -> member.get() != null).count());
      return api.list(organization, path, cursor, limit).compose(page -> {
        pages++;
        var items = page.items().stream().map(JsonObject::copy).toList();
        items.forEach(member -> given.add(new WeakReference<>(member)));
        var answer = Promise.<Page>promise();
        network.execute(() -> answer.complete(new Page(items, page.nextCursor())));
        return answer.future();
      });
    }
  }
}

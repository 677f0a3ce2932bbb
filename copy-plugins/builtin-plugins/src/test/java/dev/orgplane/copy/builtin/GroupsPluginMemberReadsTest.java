package dev.orgplane.copy.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.OncePerRun;
import dev.orgplane.copy.api.OrgApi;
import dev.orgplane.copy.testkit.InMemoryOrgApi;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A template of many teams takes the groups plugin many pages; which of their members it copies is read of the
 * template once per run, not once for each page of teams, and so is the existing target a plan compares them with.
 */
class GroupsPluginMemberReadsTest {

  private static final String TEMPLATE = PluginRun.TEMPLATE;
  private static final String TARGET = PluginRun.TARGET;
  private static final String NEW_TENANT = "7e3b1a52-0000-4000-8000-0000000000ff";

  /** A template of three members and nine teams, each with all three. */
  private static InMemoryOrgApi template() {
    var template = new InMemoryOrgApi();
    var members = new ArrayList<String>();
    for (int i = 0; i < 3; i++) {
      var userId = UUID.randomUUID().toString();
      members.add(userId);
      template.objects(TEMPLATE, "users").put(userId, new JsonObject().put("userId", userId)
          .put("roles", new JsonArray().add("member")));
    }
    for (int i = 0; i < 9; i++) {
      var id = UUID.randomUUID().toString();
      template.objects(TEMPLATE, "groups").put(id, new JsonObject().put("id", id).put("name", "team-" + i)
          .put("title", "Team " + i).put("metadata", new JsonObject()).put("userIds", new JsonArray(members)));
    }
    return template;
  }

  @Test
  void aRunReadsTheTemplatesMembersOnceForAllItsPagesOfTeams() {
    var memberReads = new AtomicInteger();
    var pages = planAll(run(new ReadsCounted(template(), TEMPLATE, "users", memberReads), null));
    assertEquals(1, memberReads.get(), "the members were read once for " + pages + " pages of teams");
  }

  /** Until session 27 the plan of every page read the whole target again. */
  @Test
  void aPlanReadsAnExistingTargetOnceForAllItsPagesOfTeams() {
    var targetReads = new AtomicInteger();
    var pages = planAll(run(new ReadsCounted(template(), TARGET, "groups?include=userIds&order=id",
        targetReads), TARGET));
    assertEquals(1, targetReads.get(), "the target was read once for " + pages + " pages of teams");
  }

  /**
   * One run planning from the template, in pages of two, into {@code targetOrganization}, or into a new tenant (no
   * target organization yet) if it is null.
   */
  private static PluginRun run(OrgApi org, String targetOrganization) {
    return new PluginRun(org, NEW_TENANT, targetOrganization, 2, new OncePerRun());
  }

  /** Plans every page of the template's teams into an empty target, and answers how many pages it took. */
  private static int planAll(PluginRun context) {
    var plugin = new GroupsPlugin();
    var checkpoint = Checkpoint.START;
    var pages = 0;
    var planned = Counts.ZERO;
    var last = false;
    while (!last) {
      var page = plugin.plan(context, checkpoint).await();
      planned = planned.plus(page.counts());
      checkpoint = checkpoint.after(page);
      pages++;
      last = page.last();
    }

    assertTrue(pages >= 4, "teams take several pages: " + pages);
    assertEquals(9, planned.created(), planned.toString());
    return pages;
  }

  /** The kit's org API, counting the reads of list {@code path} of {@code organization}. */
  private record ReadsCounted(OrgApi api, String organization, String path, AtomicInteger reads) implements WritesPassedOn {

    @Override
    public Future<Page> list(String organization, String path, String cursor, int limit) {
      if (organization.equals(this.organization) && path.equals(this.path)) {
        reads.incrementAndGet();
      }
      return api.list(organization, path, cursor, limit);
    }
  }
}

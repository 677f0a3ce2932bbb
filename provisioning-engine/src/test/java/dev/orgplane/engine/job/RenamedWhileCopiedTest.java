package dev.orgplane.engine.job;

import static dev.orgplane.engine.WatchedTemplate.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import dev.orgplane.engine.WatchedTemplate;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Roles and teams renamed in the template while a job copies them, between two of its pages (of 2; the relay holds
 * the second page's request while they are renamed): one of the first page to sort after the cursor by name, one of
 * the second to sort before it. Paged by name, the second was never copied, and the first read twice; by id, each
 * is copied once.
 */
class RenamedWhileCopiedTest {

  @RegisterExtension
  static final WatchedTemplate watched = new WatchedTemplate(new JsonObject().put("ORGPLANE_ENGINE_PAGE_SIZE", "2"),
      "renamed");

  /** Objects named {@code names} made in {@code path} as {@code body} says, in the order of their ids (a copy's). */
  private static List<String> made(String path, JsonObject body, String... names) {
    return Stream.of(names).map(name -> TemplateFixture.id(watched.engine().org.post(path, watched.token(),
        body.copy().put("name", name)))).sorted().toList();
  }

  /**
   * Once the second page of {@code path} is asked for, renames the first of {@code ids} to {@code last} and the last
   * to {@code first}, and runs {@code then}, before the request goes on.
   */
  private static void renameWhenSecondPageAsked(String path, List<String> ids, String last, String first,
      Runnable then) {
    watched.relay().holdOnce(seen -> seen.path().equals(path) && seen.query().contains("cursor="), () -> {
      then.run();
      return Future.all(watched.rename(path + "/" + ids.get(0), last), watched.rename(path + "/" + ids.get(3), first));
    });
  }

  private static Set<String> names(String path) {
    return watched.engine().items(path, watched.token()).stream().map(item -> ((JsonObject) item).getString("name"))
        .collect(Collectors.toSet());
  }

  @Test
  void rolesAndTeamsRenamedBetweenPagesAreEachCopiedOnce() {
    var engine = watched.engine();
    var source = TemplateFixture.id(engine.org.post("/v1/organizations", watched.token(), new JsonObject()
        .put("name", "renamed-template-" + unique()).put("title", "Renamed")
        .put("groupId", watched.template().groupId())));
    var roles = "/v1/organizations/" + source + "/roles";
    var teams = "/v1/organizations/" + source + "/groups";
    var roleIds = made(roles, new JsonObject().put("permissions", new JsonArray().add("app_organization_get")),
        "role-b", "role-c", "role-d", "role-e");
    var teamIds = made(teams, new JsonObject(), "team-b", "team-c", "team-d", "team-e");
    renameWhenSecondPageAsked(roles, roleIds, "role-z", "role-a",
        () -> renameWhenSecondPageAsked(teams, teamIds, "team-z", "team-a", () -> { }));

    var job = engine.provision(watched.token(), new JsonObject().put("templateOrganization", source)
        .put("plugins", new JsonArray().add("roles").add("groups"))
        .put("target", new JsonObject().put("name", "renamed-copy-" + unique())));
    assertEquals("succeeded", job.getString("status"), job.encodePrettily());
    var target = "/v1/organizations/" + job.getString("targetOrganization");
    for (var plugin : List.of("roles", "groups")) {
      var step = EngineHarness.step(job, plugin);
      assertEquals(List.of(4L, 0L), List.of(step.getLong("created"), step.getLong("updated")), job.encodePrettily());
    }
    assertEquals(Set.of("role-b", "role-c", "role-d", "role-a"), names(target + "/roles"),
        "the first page as read before the renames, the second after them");
    assertEquals(Set.of("team-b", "team-c", "team-d", "team-a"), names(target + "/groups"));
  }
}

package dev.orgplane.org.group;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static dev.orgplane.org.group.GroupCalls.GROUPS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.UncommittedTransaction;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Groups written while a request runs: a group named, an organization joining one or a group deleted with its
 * organization, by another transaction that commits only once the request waits for it, past any check the request
 * made before writing. What a founding, a platform admin's create, an organization joining a group or one deleted
 * does at the same moment, made deterministic.
 */
class GroupNameRacesTest extends GroupsTest {

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void aFoundingWhoseNameAGroupTakesMeanwhileNumbersItsGroup() throws Exception {
    var name = unique("founding");
    var founded = whileAGroupIsMade(name.toUpperCase(), () -> org.post("/v1/organizations",
        org.newUser("founder").token(), new JsonObject().put("name", name).put("title", "t")));
    assertEquals(201, founded.statusCode(), founded.bodyAsString());
    var gid = founded.bodyAsJsonObject().getString("groupId");
    assertEquals(name + "-" + gid, groupName(gid));
  }

  @Test
  void aRenamedOrganizationsGroupNumbersANameTakenMeanwhile() throws Exception {
    var owner = org.newUser("renamer");
    var created = org.createOrg(owner.token(), unique("before"));
    var name = unique("after");
    var renamed = whileAGroupIsMade(name, () -> org.send(HttpMethod.PATCH,
        "/v1/organizations/" + created.getString("id"), owner.token(), new JsonObject().put("name", name)));
    assertEquals(200, renamed.statusCode(), renamed.bodyAsString());
    assertEquals(name, renamed.bodyAsJsonObject().getString("name"));
    var gid = created.getString("groupId");
    assertEquals(name + "-" + gid, groupName(gid));
  }

  /** When the numbered name is taken too, by a group made meanwhile, the group keeps its name. */
  @Test
  void aRenamedOrganizationsGroupKeepsItsNameWhenItsNumberedNameIsTakenMeanwhile() throws Exception {
    var owner = org.newUser("renamer");
    var before = unique("before");
    var created = org.createOrg(owner.token(), before);
    var gid = created.getString("groupId");
    var name = unique("after");
    assertEquals(201, calls.create(name).statusCode());
    var renamed = whileAGroupIsMade(name + "-" + gid, () -> org.send(HttpMethod.PATCH,
        "/v1/organizations/" + created.getString("id"), owner.token(), new JsonObject().put("name", name)));
    assertEquals(200, renamed.statusCode(), renamed.bodyAsString());
    assertEquals(name, renamed.bodyAsJsonObject().getString("name"));
    assertEquals(before, groupName(gid));
  }

  /**
   * An organization joining the group while its founder's organization is renamed: the rename waits for the joining
   * and then finds the group shared, so it keeps its name (the rename's check once ran before the wait and missed
   * the organization that joined).
   */
  @Test
  void aGroupAnOrganizationJoinsDuringItsOrganizationsRenameKeepsItsName() throws Exception {
    var owner = org.newUser("renamer");
    var before = unique("before");
    var created = org.createOrg(owner.token(), before);
    var gid = created.getString("groupId");
    var name = unique("after");
    var renamed = whileAnOrganizationJoins(gid, () -> org.send(HttpMethod.PATCH,
        "/v1/organizations/" + created.getString("id"), owner.token(), new JsonObject().put("name", name)));
    assertEquals(200, renamed.statusCode(), renamed.bodyAsString());
    assertEquals(name, renamed.bodyAsJsonObject().getString("name"));
    assertEquals(before, groupName(gid));
    assertEquals(2, organizationsIn(gid));
  }

  /**
   * An organization joining the group while its founder's organization is deleted: the deletion waits for the
   * joining and then finds the group shared, so it deletes the organization and keeps the group (its check once ran
   * before the wait, missed the organization that joined, and the group's deletion then failed on it).
   */
  @Test
  void aGroupAnOrganizationJoinsDuringItsOrganizationsDeletionStays() throws Exception {
    var owner = org.newUser("deleter");
    var created = org.createOrg(owner.token(), unique("deleted"));
    var gid = created.getString("groupId");
    var deleted = whileAnOrganizationJoins(gid, () -> org.send(HttpMethod.DELETE,
        "/v1/organizations/" + created.getString("id"), owner.token(), null));
    assertEquals(204, deleted.statusCode(), deleted.bodyAsString());
    assertEquals(200, org.get(GROUPS + "/" + gid, platformAdmin).statusCode());
    assertEquals(1, organizationsIn(gid), "the organization that joined");
  }

  /** Only an organization's own group goes with it, so deleting one of another group waits for no joining. */
  @Test
  void deletingAnOrganizationOfAnotherGroupWaitsForNoOrganizationJoiningIt() throws Exception {
    var group = calls.newGroup();
    var gid = group.getString("id");
    var owner = org.newUser("member");
    var member = org.send(HttpMethod.POST, "/v1/organizations", owner.token(), new JsonObject()
            .put("name", unique("member")).put("title", "t").put("groupId", gid),
        MultiMap.caseInsensitiveMultiMap().add("X-Create-Key", group.getString("createKey")));
    assertEquals(201, member.statusCode(), member.bodyAsString());
    try (var joining = UncommittedTransaction.begin(org.db())) {
      joining.run(JOINING, joining(gid));
      var deleted = CompletableFuture.supplyAsync(() -> org.send(HttpMethod.DELETE,
              "/v1/organizations/" + member.bodyAsJsonObject().getString("id"), owner.token(), null))
          .get(5, TimeUnit.SECONDS);
      assertEquals(204, deleted.statusCode(), deleted.bodyAsString());
      joining.commit();
    }
    assertEquals(1, organizationsIn(gid), "the organization that joined");
  }

  /**
   * The other order: an organization joins the group while its founder's organization's deletion, which deletes the
   * group too, is not yet committed. The joining passed its check on the group before; it waits for the deletion
   * and is then refused as joining a group that does not exist is, not failed on the group's foreign key.
   */
  @Test
  void anOrganizationJoiningAGroupDeletedMeanwhileIsRefusedAsForAMissingGroup() throws Exception {
    var owner = org.newUser("founder");
    var founder = org.createOrg(owner.token(), unique("founder"));
    var gid = founder.getString("groupId");
    var key = org.post(GROUPS + "/" + gid + "/create-key", platformAdmin, null).bodyAsJsonObject()
        .getString("createKey");
    var joiner = org.newUser("joiner");
    var joined = whileUncommitted("WITH gone AS (DELETE FROM org.organizations WHERE id = ?::uuid "
            + "RETURNING group_id) DELETE FROM org.organization_groups g USING gone WHERE g.id = gone.group_id",
        new String[] {founder.getString("id")}, () -> org.send(HttpMethod.POST, "/v1/organizations",
            joiner.token(), new JsonObject().put("name", unique("joining")).put("title", "t").put("groupId", gid),
            MultiMap.caseInsensitiveMultiMap().add("X-Create-Key", key)));
    assertProblem(joined, 403, "create_key_invalid");
    assertEquals(0, organizationsIn(gid));
  }

  /** The group made meanwhile stands for an organization's own group, founded at the same moment. */
  @Test
  void aGroupCreatedOrRenamedToANameTakenMeanwhileIsRefusedByName() throws Exception {
    var created = unique("created");
    assertProblem(whileAGroupIsMade(created, () -> calls.create(created.toUpperCase())), 409,
        "organization_group_name_taken");
    var gid = calls.newGroup().getString("id");
    var renamed = unique("renamed");
    assertProblem(whileAGroupIsMade(renamed, () -> org.send(HttpMethod.PATCH, GROUPS + "/" + gid, platformAdmin,
        new JsonObject().put("name", renamed))), 409, "organization_group_name_taken");
  }

  /**
   * Sends {@code request} while another transaction has made a group named {@code name} (an organization's own,
   * as a founding makes it) and commits that group once the request waits for it.
   */
  private HttpResponse<Buffer> whileAGroupIsMade(String name, Supplier<HttpResponse<Buffer>> request)
      throws Exception {
    return whileUncommitted("INSERT INTO org.organization_groups (id, name, made_for_organization) "
        + "VALUES (gen_random_uuid(), ?, true)", new String[] {name}, request);
  }

  /** Sends {@code request} while another transaction has added an organization to the group {@code groupId}. */
  private HttpResponse<Buffer> whileAnOrganizationJoins(String groupId, Supplier<HttpResponse<Buffer>> request)
      throws Exception {
    return whileUncommitted(JOINING, joining(groupId), request);
  }

  private static final String JOINING = "INSERT INTO org.organizations (id, name, title, group_id) "
      + "VALUES (gen_random_uuid(), ?, 'joined', ?::uuid)";

  private static String[] joining(String groupId) {
    return new String[] {unique("joined"), groupId};
  }

  /**
   * Sends {@code request} while another transaction has run {@code sql} with {@code parameters}, and commits that
   * transaction once the request waits for it.
   */
  private HttpResponse<Buffer> whileUncommitted(String sql, String[] parameters,
      Supplier<HttpResponse<Buffer>> request) throws Exception {
    try (var other = UncommittedTransaction.begin(org.db())) {
      other.run(sql, parameters);
      return other.commitOnceWaitedFor(request);
    }
  }

  private long organizationsIn(String groupId) {
    return PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.organizations WHERE group_id = '" + groupId + "'");
  }

  private String groupName(String groupId) {
    return org.get(GROUPS + "/" + groupId, platformAdmin).bodyAsJsonObject().getString("name");
  }
}

package dev.orgplane.org.audit;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The audit trail narrowed to an action, an actor, a target, a job or a time window, page by page. */
class AuditFilterTest extends OrgServiceTest {

  @Test
  void theTrailNarrowsToWhatIsAskedFor() {
    var alice = org.newUser("alice");
    var bob = org.newUser("bob");
    var created = org.createOrg(alice.token(), "audited-" + UUID.randomUUID().toString().substring(0, 8));
    var base = "/v1/organizations/" + created.getString("id");
    org.addMembers(created.getString("id"), List.of(bob.id()), "manager");
    for (var title : List.of("First", "Second")) {
      assertEquals(200, org.send(HttpMethod.PATCH, base, bob.token(), new JsonObject().put("title", title)).statusCode());
    }
    var all = actions(base + "/audit-events", alice.token());

    assertEquals(List.of("organization.updated", "organization.updated"),
        actions(base + "/audit-events?action=organization.updated", alice.token()));
    assertEquals(2, actions(base + "/audit-events?actor=" + bob.id(), alice.token()).size());
    assertEquals(all.size() - 3, actions(base + "/audit-events?actor=" + alice.id(), alice.token()).size(),
        "all but Bob's updates and the platform admin's adding him");
    assertEquals(List.of("organization.created"), actions(base + "/audit-events?action=organization.created&target="
        + "organization:" + created.getString("id"), alice.token()));
    assertEquals(List.of(), actions(base + "/audit-events?jobId=" + UUID.randomUUID(), alice.token()));
    var soon = URLEncoder.encode(OffsetDateTime.now().plusHours(1).toString(), StandardCharsets.UTF_8);
    assertEquals(List.of(), actions(base + "/audit-events?since=" + soon, alice.token()));
    assertEquals(all, actions(base + "/audit-events?until=" + soon, alice.token()));
    assertEquals(List.of(), actions(base + "/audit-events?until=2020-01-01T00:00:00Z", alice.token()));

    var first = org.get(base + "/audit-events?action=organization.updated&limit=1", alice.token()).bodyAsJsonObject();
    assertEquals(1, first.getJsonArray("items").size());
    var second = org.get(base + "/audit-events?action=organization.updated&limit=1&cursor="
        + first.getString("nextCursor"), alice.token()).bodyAsJsonObject();
    assertEquals("organization.updated", second.getJsonArray("items").getJsonObject(0).getString("action"));
    var ids = List.of(first, second).stream().map(p -> p.getJsonArray("items").getJsonObject(0).getString("id")).toList();
    assertNotEquals(UUID.fromString(ids.get(0)), UUID.fromString(ids.get(1)), "events are named by UUIDs: " + ids);
    assertNull(second.getString("nextCursor"), "the filter holds across pages: two updates, two pages");
  }

  @Test
  void badFiltersAreRefused() {
    var alice = org.newUser("alice");
    var base = "/v1/organizations/" + org.createOrg(alice.token(), "badfilter-" + UUID.randomUUID().toString()
        .substring(0, 8)).getString("id");
    assertProblem(org.get(base + "/audit-events?since=yesterday", alice.token()), 400, "invalid_time");
    assertProblem(org.get(base + "/audit-events?until=2026-12-01", alice.token()), 400, "invalid_time");
    assertProblem(org.get(base + "/audit-events?jobId=42", alice.token()), 400, "validation_failed");
    for (var filter : List.of("action", "actor", "target")) {
      // no event has a blank one: the filter would answer nothing, as if none of them had happened
      assertProblem(org.get(base + "/audit-events?" + filter + "=", alice.token()), 400, "invalid_filter");
      assertProblem(org.get(base + "/audit-events?" + filter + "=%20", alice.token()), 400, "invalid_filter");
    }
    var stranger = org.newUser("stranger");
    assertProblem(org.get(base + "/audit-events?since=yesterday", stranger.token()), 404, "organization_not_found");
  }

  /**
   * A time PostgreSQL cannot hold is the caller's mistake: one a few days past its end reached the database, which
   * refused it, and the caller had a 500.
   */
  @Test
  void aTimeOutsidePostgresqlsRangeIsRefused() {
    var alice = org.newUser("alice");
    var base = "/v1/organizations/" + org.createOrg(alice.token(), "timerange-" + UUID.randomUUID().toString()
        .substring(0, 8)).getString("id");
    assertProblem(org.get(base + "/audit-events?since=%2B294277-01-02T00:00:00Z", alice.token()), 400, "invalid_time");
    assertProblem(org.get(base + "/audit-events?until=%2B294276-12-31T23:00:00-01:00", alice.token()), 400,
        "invalid_time");
    assertProblem(org.get(base + "/audit-events?since=-5000-01-01T00:00:00Z", alice.token()), 400, "invalid_time");
    assertProblem(org.get(base + "/audit-events?until=%2B999999999-01-01T00:00:00Z", alice.token()), 400,
        "invalid_time");
    var all = actions(base + "/audit-events", alice.token());
    assertEquals(all, actions(base + "/audit-events?since=-4713-11-24T00:00:00Z&until=%2B294276-12-31T23:59:59.999999Z",
        alice.token()), "the first and last times PostgreSQL holds");
  }

  /**
   * The trail keeps microseconds; a bound between two of them holds as given: both were cut to the microsecond before,
   * so a {@code since} a tenth of one after an event found it and an {@code until} as late left it out.
   */
  @Test
  void aWindowIsExactBelowAMicrosecond() {
    var alice = org.newUser("alice");
    var base = "/v1/organizations/" + org.createOrg(alice.token(), "submicro-" + UUID.randomUUID().toString()
        .substring(0, 8)).getString("id");
    var created = base + "/audit-events?action=organization.created";
    var at = Instant.parse(org.get(created, alice.token()).bodyAsJsonObject().getJsonArray("items").getJsonObject(0)
        .getString("createdAt"));
    var justAfter = at.plusNanos(100).toString();
    var justBefore = at.minusNanos(100).toString();

    assertEquals(List.of(), actions(created + "&since=" + justAfter, alice.token()));
    assertEquals(List.of("organization.created"), actions(created + "&until=" + justAfter, alice.token()));
    assertEquals(List.of("organization.created"), actions(created + "&since=" + justBefore, alice.token()));
    assertEquals(List.of(), actions(created + "&until=" + justBefore, alice.token()));
    assertEquals(List.of("organization.created"), actions(created + "&since=" + at + "&until=" + justAfter,
        alice.token()));
    assertProblem(org.get(created + "&until=%2B294276-12-31T23:59:59.9999991Z", alice.token()), 400, "invalid_time");
  }

  /**
   * A page's cursor is the public id of its last event: one holding the event's sequence number told every tenant how
   * many events the whole platform wrote between two of its pages. Another organization's cursor names nothing here.
   */
  @Test
  void aCursorNamesTheLastEventSeenAndOnlyInItsOwnOrganization() {
    var alice = org.newUser("alice");
    var bob = org.newUser("bob");
    var base = "/v1/organizations/" + org.createOrg(alice.token(), "cursor-" + UUID.randomUUID().toString()
        .substring(0, 8)).getString("id");
    var bobs = "/v1/organizations/" + org.createOrg(bob.token(), "cursor-" + UUID.randomUUID().toString()
        .substring(0, 8)).getString("id");
    assertEquals(200, org.send(HttpMethod.PATCH, base, alice.token(), new JsonObject().put("title", "Again"))
        .statusCode());

    var first = org.get(base + "/audit-events?limit=1", alice.token()).bodyAsJsonObject();
    var cursor = first.getString("nextCursor");
    assertEquals(first.getJsonArray("items").getJsonObject(0).getString("id"),
        new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
    assertEquals("organization.created", org.get(base + "/audit-events?limit=1&cursor=" + cursor, alice.token())
        .bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getString("action"));
    assertProblem(org.get(bobs + "/audit-events?cursor=" + cursor, bob.token()), 400, "invalid_cursor");
    var sequenceCursor = Base64.getUrlEncoder().withoutPadding().encodeToString("12345".getBytes(StandardCharsets.UTF_8));
    assertProblem(org.get(base + "/audit-events?cursor=" + sequenceCursor, alice.token()), 400, "invalid_cursor");
  }

  private List<String> actions(String path, String token) {
    var response = org.get(path, token);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast)
        .map(e -> e.getString("action")).toList();
  }
}

package dev.orgplane.org.setup;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which of some ids name objects of an organization, of every kind whose copies have name-based ids
 * (setup objects, teams, roles). A copy's id is a name-based UUID of the target and the template id,
 * so "the copy of X exists in the target" is "copyOf(X) is here": what tells a copied object's id
 * apart from any other id inside free-form data, for org-service's copies and the engine's plans alike.
 */
final class ExistingObjects {

  /** The most ids one lookup may ask about, as many as a page of a copy. */
  static final int MAX_IDS = SetupCopy.MAX_PAGE;

  /**
   * Kind after kind and only until one answers: an {@code OR} of {@code EXISTS} stops at the first true
   * one, where a {@code UNION} would probe every kind for every id.
   */
  private static final String AMONG = "SELECT c AS id FROM unnest($2::uuid[]) c WHERE "
      + Stream.of("workspaces", "schemas", "queues", "hooks", "teams", "roles")
          .map(table -> "EXISTS (SELECT 1 FROM org." + table + " WHERE org_id = $1 AND id = c)")
          .collect(Collectors.joining(" OR "));

  private ExistingObjects() {
  }

  static Future<Set<UUID>> among(SqlClient client, UUID org, Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    return client.preparedQuery(AMONG).execute(Tuple.of(org, (Object) ids.toArray(UUID[]::new))).map(rows -> {
      var found = new HashSet<UUID>();
      rows.forEach(row -> found.add(row.getUUID("id")));
      return found;
    });
  }
}

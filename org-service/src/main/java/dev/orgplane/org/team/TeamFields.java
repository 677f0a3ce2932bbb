package dev.orgplane.org.team;

import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.RequestBody;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** A whole team as a create or replace body says it; absent title and metadata are empty. */
record TeamFields(String name, String title, JsonObject metadata, List<UUID> userIds) {

  static final Pattern NAME = Pattern.compile("[a-z0-9_-]{2,63}");
  static final String NAME_RULE = "must be 2-63 characters of a-z, 0-9, _ and -";
  static final Set<String> FIELDS = Set.of("name", "title", "metadata", "userIds");

  /** {@code userIdsRequired} on replace: a forgotten member list must not empty the team. */
  static TeamFields read(RoutingContext ctx, boolean userIdsRequired) {
    return read(RequestBody.of(ctx, FIELDS), userIdsRequired);
  }

  static TeamFields read(RequestBody body, boolean userIdsRequired) {
    var name = body.matching("name", NAME, NAME_RULE, true);
    var title = body.optionalString("title", 256);
    var metadata = body.optionalObject("metadata");
    var userIds = body.stringList("userIds", userIdsRequired);
    body.validate();
    return new TeamFields(name, title == null ? "" : title, metadata == null ? new JsonObject() : metadata,
        userIds.stream().map(id -> Ids.uuid(id, "userIds")).distinct().toList());
  }

  /** Whether {@code team} already has this name, title and metadata (members are compared apart). */
  boolean describe(Team team) {
    return name.equals(team.name()) && title.equals(team.title()) && metadata.equals(team.metadata());
  }
}

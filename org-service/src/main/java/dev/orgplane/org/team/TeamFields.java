package dev.orgplane.org.team;

import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.ImportBatch;
import dev.orgplane.kit.http.RequestBody;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A whole team as a create or replace body says it; absent title and metadata are empty. {@code userIds} is null
 * only for an import item that names no members ({@link #readItem}), until {@link #orMembers} gives it the team's.
 */
record TeamFields(String name, String title, JsonObject metadata, List<UUID> userIds) {

  static final Pattern NAME = Pattern.compile("[a-z0-9_-]{2,63}");
  static final String NAME_RULE = "must be 2-63 characters of a-z, 0-9, _ and -";
  static final Set<String> FIELDS = Set.of("name", "title", "metadata", "userIds");

  /** {@code userIdsRequired} on replace: a forgotten member list must not empty the team. */
  static TeamFields read(RoutingContext ctx, boolean userIdsRequired) {
    return read(RequestBody.of(ctx, FIELDS), userIdsRequired, false);
  }

  /**
   * A batch import's item: one without {@code userIds} leaves an existing team's members as they are (a new team has
   * none), so a copy without the template's members ({@code copyMembers: false}) takes no tenant's members away. An
   * item naming them, {@code []} included, sets exactly those.
   */
  static TeamFields readItem(JsonObject item) {
    return read(RequestBody.of(item, FIELDS), false, true);
  }

  private static TeamFields read(RequestBody body, boolean userIdsRequired, boolean unnamedKept) {
    var kept = unnamedKept && !(body.has("userIds") && !body.sendsNull("userIds"));
    var name = body.matching("name", NAME, NAME_RULE, true);
    var title = body.line("title", 256, false);
    var metadata = body.freeFormObject("metadata");
    // a create names at most the members an add does (more join by adds); an import sets a team's whole member list,
    // as a copy sends it, which only the body limit bounds
    var creating = !userIdsRequired && !unnamedKept;
    var userIds = creating ? body.stringList("userIds", false, ImportBatch.MAX)
        : body.stringList("userIds", userIdsRequired);
    body.validate();
    return new TeamFields(name, title == null ? "" : title, metadata == null ? new JsonObject() : metadata,
        kept ? null : Ids.uuids(userIds, "userIds"));
  }

  /** These fields, their members {@code current} if they name none (an import item's, {@link #readItem}). */
  TeamFields orMembers(Set<UUID> current) {
    return userIds != null ? this : new TeamFields(name, title, metadata, List.copyOf(current));
  }

  /**
   * These fields, the members {@code kept} a member exactly where they are one of {@code current}, the team's members
   * now, whether named or not.
   */
  TeamFields keeping(Set<UUID> kept, Set<UUID> current) {
    if (kept.isEmpty()) {
      return this;
    }
    return new TeamFields(name, title, metadata, Stream.concat(userIds.stream().filter(id -> !kept.contains(id)),
        kept.stream().filter(current::contains)).toList());
  }

  /** Whether {@code team} already has this name, title and metadata (members are compared apart). */
  boolean describe(Team team) {
    return name.equals(team.name()) && title.equals(team.title()) && metadata.equals(team.metadata());
  }
}

package dev.orgplane.engine.orgapi;

import dev.orgplane.copy.api.EmbeddedIds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What org-service's {@code POST /v1/organizations:lookup} answered: the organizations it showed, found by the
 * id or the name that asked for them; any other reference names none the asker may see.
 */
public final class FoundOrganizations {

  static final String PATH = "/v1/organizations:lookup";
  /** The most references one lookup takes (org-service refuses more). */
  public static final int MAX_REFS = 1000;

  private final Map<String, JsonObject> byRef = new HashMap<>();

  FoundOrganizations(JsonObject answer) {
    answer.getJsonArray("items", new JsonArray()).forEach(item -> {
      var organization = (JsonObject) item;
      byRef.put(key(organization.getString("id")), organization);
      byRef.put(key(organization.getString("name")), organization);
    });
  }

  /** The body that asks about {@code refs}, organization ids or names, at most {@link #MAX_REFS}. */
  static JsonObject request(Collection<String> refs) {
    if (refs.size() > MAX_REFS) {
      throw new IllegalArgumentException(refs.size() + " organizations asked about at once; at most " + MAX_REFS);
    }
    return new JsonObject().put("organizations", new JsonArray(new ArrayList<>(refs)));
  }

  /** The organization {@code ref} (its id, in any case, or its name) names, if it was shown. */
  public Optional<JsonObject> get(String ref) {
    return Optional.ofNullable(byRef.get(key(ref)));
  }

  /** Ids are compared as UUIDs, names as they are. */
  private static String key(String ref) {
    return EmbeddedIds.isUuid(ref) ? UUID.fromString(ref).toString() : ref;
  }
}

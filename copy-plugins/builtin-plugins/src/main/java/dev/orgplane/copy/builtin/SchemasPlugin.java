package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.OrgObjectsPlugin;
import java.util.List;
import java.util.Set;

/** Schemas: their JSON content is copied as it is. */
public final class SchemasPlugin extends OrgObjectsPlugin {

  public SchemasPlugin() {
    super("schemas", "schemas", Set.of(), List.of("name", "content", "metadata"));
  }
}

package dev.orgplane.copy.builtin;

import java.util.List;
import java.util.Set;

/** Schemas: their JSON content is copied as it is, by org-service itself. */
public final class SchemasPlugin extends CopiedInServicePlugin {

  public SchemasPlugin() {
    super("schemas", "schemas", Set.of(), List.of("name", "content", "metadata"));
  }
}

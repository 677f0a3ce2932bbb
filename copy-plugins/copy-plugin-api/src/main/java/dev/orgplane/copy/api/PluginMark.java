package dev.orgplane.copy.api;

import io.vertx.core.json.JsonObject;

/**
 * The mark on an object a plugin makes in a kind another plugin copies (the example plugin's docs are workspaces): its
 * {@code metadata} names the plugin, {@code "generatedBy": "<plugin id>"}. Such an object is no copy of a template
 * object of its kind, nor drift of it: {@link OrgObjectsPlugin}'s diff leaves it to the plugin that made it, whose own
 * diff says what of its objects is missing or extra, if that plugin runs ({@link CopyContext#runningPlugins}): a mark
 * naming no plugin of the run is the object's metadata, no more. Until session 32 the diff of the kind counted it
 * {@code extra}, so no tenant of an engine with such a plugin was ever in sync, and an operator removing what the diff
 * called extra deleted the plugin's objects.
 */
public final class PluginMark {

  /** The {@code metadata} field naming the plugin that made the object. */
  public static final String FIELD = "generatedBy";

  private PluginMark() {
  }

  /** The id of the plugin that marked {@code object} (as listed) as its own; {@code null} if none did. */
  public static String of(JsonObject object) {
    return object.getValue("metadata") instanceof JsonObject metadata && metadata.getValue(FIELD) instanceof String id
        ? id : null;
  }
}

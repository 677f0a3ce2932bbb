package dev.orgplane.copy.testkit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Listed objects as the engine hands them to plugins: shared. The engine keeps a template's pages for every job
 * of a batch, so a plugin that changes a listed object (or an object or array inside it) changes other tenants'
 * copies. The kit's are read-only, at every depth, and a change fails the test at the line that makes it.
 */
final class SharedJson {

  static final String CHANGED = "a plugin changed an object the org API listed: listed objects are shared with "
      + "other jobs (OrgApi#list), so copy what you change";

  private SharedJson() {
  }

  /** A read-only copy of {@code object}, at every depth. */
  static JsonObject of(JsonObject object) {
    var fields = new LinkedHashMap<String, Object>();
    object.forEach(field -> fields.put(field.getKey(), shared(field.getValue())));
    return new JsonObject(new ReadOnlyMap(fields));
  }

  private static Object shared(Object value) {
    if (value instanceof JsonObject object) {
      return of(object);
    }
    if (value instanceof JsonArray array) {
      // Stream.toList is unmodifiable: a change fails without our message, but at the plugin's line all the same
      return new JsonArray(array.stream().map(SharedJson::shared).toList());
    }
    return value;
  }

  /** Its other changes (putAll, compute, merge and the like) come down to put and remove. */
  private static final class ReadOnlyMap extends AbstractMap<String, Object> {

    private final Map<String, Object> fields;

    ReadOnlyMap(Map<String, Object> fields) {
      this.fields = fields;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return Collections.unmodifiableMap(fields).entrySet();
    }

    @Override
    public Object get(Object key) {
      return fields.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      return fields.containsKey(key);
    }

    @Override
    public Object put(String key, Object value) {
      throw new UnsupportedOperationException(CHANGED);
    }

    @Override
    public Object remove(Object key) {
      throw new UnsupportedOperationException(CHANGED);
    }

    @Override
    public void clear() {
      throw new UnsupportedOperationException(CHANGED);
    }
  }
}

package dev.orgplane.e2e;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operations of the OpenAPI document the gateway serves, and plausible bodies for them made from
 * their request schemas: what the abuse tests sweep, so a new endpoint is swept without a new test.
 */
final class ApiOperations {

  /** One operation: method, path template, and its JSON request body schema (null when it takes none). */
  record Operation(String method, String path, String operationId, JsonObject bodySchema) {
    boolean writes() {
      return !method.equals("GET");
    }
  }

  private final JsonObject document;

  private ApiOperations(JsonObject document) {
    this.document = document;
  }

  static ApiOperations fetch(Gateway gateway) {
    var reply = gateway.get("/openapi.json", null);
    if (reply.status() != 200) {
      throw new IllegalStateException("the gateway does not serve its OpenAPI document: " + reply);
    }
    return new ApiOperations(reply.json());
  }

  List<Operation> all() {
    var operations = new ArrayList<Operation>();
    document.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).forEach(entry -> {
      if (List.of("get", "post", "put", "patch", "delete").contains(entry.getKey())) {
        var operation = (JsonObject) entry.getValue();
        var schema = operation.getJsonObject("requestBody") == null ? null : resolve(operation
            .getJsonObject("requestBody").getJsonObject("content", new JsonObject())
            .getJsonObject("application/json", new JsonObject()).getJsonObject("schema"));
        operations.add(new Operation(entry.getKey().toUpperCase(Locale.ROOT), path.getKey(),
            operation.getString("operationId"), schema));
      }
    }));
    return operations;
  }

  /**
   * A body with every required field at a plausible value, objects within it too (a valid request, as far as types
   * go).
   */
  JsonObject sample(JsonObject schema) {
    var body = new JsonObject();
    if (schema == null) {
      return body;
    }
    var properties = resolve(schema).getJsonObject("properties", new JsonObject());
    for (var field : resolve(schema).getJsonArray("required", new JsonArray())) {
      body.put((String) field, value((String) field, resolve(properties.getJsonObject((String) field))));
    }
    return body;
  }

  /** The fields a schema names, with their (resolved) schemas. */
  JsonObject properties(JsonObject schema) {
    return schema == null ? new JsonObject() : resolve(schema).getJsonObject("properties", new JsonObject());
  }

  /**
   * The JSON types a field's schema allows ({@code type}, one or a list); none when it does not say (a field of any
   * shape, or one of several schemas).
   */
  Set<String> types(JsonObject fieldSchema) {
    var type = resolve(fieldSchema).getValue("type");
    return type instanceof String one ? Set.of(one)
        : type instanceof JsonArray many ? many.stream().map(String.class::cast).collect(Collectors.toSet()) : Set.of();
  }

  private Object value(String field, JsonObject schema) {
    if (schema == null) {
      return "sweep";
    }
    if (schema.getValue("enum") instanceof JsonArray values) {
      return values.getValue(0);
    }
    var type = schema.getValue("type") instanceof String t ? t : "string";
    return switch (type) {
      case "array" -> schema.getInteger("minItems", 0) == 0 ? new JsonArray()
          : new JsonArray().add(value(field, resolve(schema.getJsonObject("items"))));
      case "object" -> sample(schema);
      case "boolean" -> true;
      case "integer", "number" -> 1;
      default -> field.toLowerCase(Locale.ROOT).contains("email") ? "sweep@e2e.test"
          : "uuid".equals(schema.getString("format")) ? "00000000-0000-4000-8000-000000000000"
          : field.equals("url") ? "https://hooks.example.com/sweep" : "sweep-" + field.toLowerCase(Locale.ROOT);
    };
  }

  private JsonObject resolve(JsonObject schema) {
    if (schema == null || !schema.containsKey("$ref")) {
      return schema;
    }
    var name = schema.getString("$ref").substring("#/components/schemas/".length());
    return resolve(document.getJsonObject("components").getJsonObject("schemas").getJsonObject(name));
  }
}

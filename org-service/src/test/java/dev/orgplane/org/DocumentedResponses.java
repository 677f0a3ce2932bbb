package dev.orgplane.org;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.orgplane.kit.testing.OpenApiRoutes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the OpenAPI document says of an answer, held against the answer org-service gave: its status is one the
 * operation documents, its body validates against the documented schema, and {@code ETag} and {@code Location} are
 * sent exactly where documented ({@code Location} relative, as a client resolves it against the gateway). Objects are
 * read closed: a field the schema does not name fails, so a field renamed in code fails whether the document marks it
 * required or not.
 */
final class DocumentedResponses {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> HEADERS = List.of("ETag", "Location");

  private final JsonObject document = OpenApiRoutes.load().document();
  private final JsonObject components = closed(document.getJsonObject("components").copy());
  private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private final Map<String, JsonSchema> schemas = new HashMap<>();

  /** Fails naming what of {@code response} to {@code operation} ({@code "GET /v1/users/me"}) is undocumented. */
  HttpResponse<Buffer> assertDocumented(String operation, HttpResponse<Buffer> response) {
    var problems = problems(operation, response);
    if (!problems.isEmpty()) {
      throw new AssertionError(operation + " answered " + response.statusCode() + " unlike the document: "
          + String.join("; ", problems) + "\n" + response.bodyAsString());
    }
    return response;
  }

  List<String> problems(String operation, HttpResponse<Buffer> response) {
    var status = String.valueOf(response.statusCode());
    var documented = response(operation, status);
    if (documented == null) {
      return List.of("the operation documents no " + status);
    }
    var problems = new ArrayList<String>();
    var headers = documented.getJsonObject("headers", new JsonObject());
    for (var header : HEADERS) {
      var sent = response.getHeader(header);
      if (sent != null && !headers.containsKey(header)) {
        problems.add("sends an undocumented " + header);
      } else if (sent == null && headers.containsKey(header)) {
        problems.add("sends no " + header);
      }
    }
    var location = response.getHeader("Location");
    if (location != null && (!location.startsWith("/") || location.startsWith("//"))) {
      problems.add("sends a Location that is not relative: " + location);
    }
    problems.addAll(bodyProblems(operation, status, response.bodyAsString()));
    return problems;
  }

  /** What of {@code body}, answered {@code status} to {@code operation}, its documented schema does not allow. */
  List<String> bodyProblems(String operation, String status, String body) {
    var schema = schemas.computeIfAbsent(operation + " " + status, key -> schema(operation, status));
    if (schema == null) {
      return body == null || body.isEmpty() ? List.of() : List.of("sends a body the document does not describe");
    }
    if (body == null) {
      return List.of("sends no body");
    }
    try {
      return schema.validate(JSON.readTree(body)).stream().map(Object::toString).sorted().toList();
    } catch (JsonProcessingException e) {
      return List.of("sends a body that is not JSON: " + e.getOriginalMessage());
    }
  }

  private JsonSchema schema(String operation, String status) {
    var content = response(operation, status).getJsonObject("content", new JsonObject());
    var schema = content.getJsonObject("application/json", new JsonObject()).getJsonObject("schema");
    if (schema == null) {
      return null;
    }
    // The operation's schema beside the components, so that its references to them resolve.
    var root = new JsonObject().put("$schema", "https://json-schema.org/draft/2020-12/schema")
        .put("components", components).put("allOf", new JsonArray().add(closed(schema.copy())));
    try {
      return factory.getSchema(JSON.readTree(root.encode()));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The operation's answer of {@code status}, one of the components' where it refers to one. */
  private JsonObject response(String operation, String status) {
    var space = operation.indexOf(' ');
    var responses = document.getJsonObject("paths").getJsonObject(operation.substring(space + 1), new JsonObject())
        .getJsonObject(operation.substring(0, space).toLowerCase(Locale.ROOT), new JsonObject())
        .getJsonObject("responses", new JsonObject());
    var response = responses.getJsonObject(status);
    var ref = response == null ? null : response.getString("$ref");
    return ref == null ? response : document.getJsonObject("components").getJsonObject("responses")
        .getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
  }

  /** {@code schema} with every object schema that names its properties closed to others, unless it says otherwise. */
  private static JsonObject closed(JsonObject schema) {
    if (schema.containsKey("properties") && !schema.containsKey("additionalProperties")) {
      schema.put("additionalProperties", false);
    }
    for (var key : schema.fieldNames()) {
      closedWithin(schema.getValue(key));
    }
    return schema;
  }

  private static void closedWithin(Object value) {
    if (value instanceof JsonObject object) {
      closed(object);
    } else if (value instanceof JsonArray array) {
      array.forEach(DocumentedResponses::closedWithin);
    }
  }
}

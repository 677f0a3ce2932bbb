package dev.orgplane.org.organization;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.orgplane.kit.http.ApiException;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;

/**
 * Validates organization metadata against the {@code organization} meta-schema (JSON Schema
 * 2020-12, networknt validator), reporting every violation as a field error.
 */
final class MetadataSchema {

  static final JsonObject DEFAULT = new JsonObject("""
      {"type": "object", "additionalProperties": false,
       "properties": {
         "labels": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 256}},
         "description": {"type": "string", "maxLength": 4096}}}""");

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonSchema SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
      .getSchema(DEFAULT.encode());

  private MetadataSchema() {
  }

  static void validate(JsonObject metadata) {
    try {
      var errors = SCHEMA.validate(MAPPER.readTree(metadata.encode())).stream()
          .sorted(Comparator.comparing(m -> m.getInstanceLocation().toString()))
          .map(m -> new ApiException.FieldError("metadata" + m.getInstanceLocation().toString().substring(1),
              m.getMessage()))
          .toList();
      if (!errors.isEmpty()) {
        throw ApiException.invalid("metadata does not match the organization meta-schema.", errors);
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw ApiException.badRequest("malformed_json", "metadata is not valid JSON.");
    }
  }
}

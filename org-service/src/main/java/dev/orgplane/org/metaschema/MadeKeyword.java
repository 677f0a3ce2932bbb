package dev.orgplane.org.metaschema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonValidator;
import com.networknt.schema.Keyword;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.ValidationContext;

/** A keyword of the validator whose validators {@code validators} makes: ours in place of the library's. */
record MadeKeyword(String value, MadeKeyword.Validators validators) implements Keyword {

  interface Validators {
    JsonValidator create(SchemaLocation location, JsonNodePath path, JsonNode node, JsonSchema parent,
        ValidationContext context);
  }

  @Override
  public String getValue() {
    return value;
  }

  @Override
  public JsonValidator newValidator(SchemaLocation location, JsonNodePath path, JsonNode node, JsonSchema parent,
      ValidationContext context) {
    return validators.create(location, path, node, parent, context);
  }
}

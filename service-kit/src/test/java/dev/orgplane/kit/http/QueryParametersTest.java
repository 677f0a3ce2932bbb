package dev.orgplane.kit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.MultiMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryParametersTest {

  private static final QueryParameters ORGANIZATIONS = QueryParameters.list("q", "state").withPrefix("metadata.");

  private static MultiMap query(String... namesAndValues) {
    var query = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      query.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return query;
  }

  @Test
  void declaredNamesPagingAndPrefixedFamiliesPass() {
    ORGANIZATIONS.check(query());
    ORGANIZATIONS.check(query("limit", "5", "cursor", "abc", "q", "x", "state", "enabled", "metadata.tier", "gold"));
  }

  @Test
  void everyUnknownParameterIsNamedInOneAnswer() {
    var error = assertThrows(ApiException.class, () -> ORGANIZATIONS.check(query("stat", "enabled", "metdata.tier",
        "gold", "q", "x")));
    assertEquals(400, error.status());
    assertEquals("unknown_parameter", error.code());
    assertEquals(List.of("metdata.tier", "stat"), error.errors().stream().map(ApiException.FieldError::field).toList());
    assertEquals("Unknown query parameters metdata.tier, stat; this endpoint reads cursor, limit, metadata.<key>, q, "
        + "state.", error.getMessage());
  }

  @Test
  void aPrefixIsNoNameOfItsOwnWithoutTheDot() {
    var error = assertThrows(ApiException.class, () -> ORGANIZATIONS.check(query("metadata", "x")));
    assertEquals("metadata", error.errors().get(0).field());
  }
}

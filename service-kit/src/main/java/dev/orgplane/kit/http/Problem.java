package dev.orgplane.kit.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** An RFC 9457 problem document with our extension members {@code code} and {@code errors}. */
public record Problem(int status, String code, String title, String detail, List<ApiException.FieldError> errors) {

  public static final String CONTENT_TYPE = "application/problem+json";
  static final String TYPE_BASE = "https://orgplane.dev/problems/";

  public static Problem of(ApiException e) {
    return new Problem(e.status(), e.code(), StatusTitles.title(e.status()), e.getMessage(), e.errors());
  }

  public static Problem of(int status, String code, String detail) {
    return new Problem(status, code, StatusTitles.title(status), detail, List.of());
  }

  public JsonObject toJson() {
    var errorArray = new JsonArray();
    errors.forEach(e -> errorArray.add(new JsonObject().put("field", e.field()).put("message", e.message())));
    return new JsonObject()
        .put("type", TYPE_BASE + code.replace('_', '-'))
        .put("title", title)
        .put("status", status)
        .put("detail", detail)
        .put("code", code)
        .put("errors", errorArray);
  }

  public Future<Void> writeTo(HttpServerResponse response) {
    return writeTo(response, toJson());
  }

  /** Answers with {@code document}, this problem's own with members a caller added. */
  Future<Void> writeTo(HttpServerResponse response, JsonObject document) {
    if (response.ended()) {
      return Future.succeededFuture();
    }
    return response.setStatusCode(status)
        .putHeader("Content-Type", CONTENT_TYPE)
        .end(document.encode());
  }
}

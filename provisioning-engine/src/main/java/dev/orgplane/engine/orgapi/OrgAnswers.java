package dev.orgplane.engine.orgapi;

import dev.orgplane.copy.api.OrgApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

/** Reads org-service answers: the body of a success, or its problem+json as an {@link OrgApiException}. */
final class OrgAnswers {

  private OrgAnswers() {
  }

  static boolean ok(HttpResponse<Buffer> response) {
    return response.statusCode() / 100 == 2;
  }

  static JsonObject body(HttpResponse<Buffer> response) {
    if (!ok(response)) {
      throw problem(response);
    }
    var body = response.body();
    return body == null || body.length() == 0 ? new JsonObject() : body.toJsonObject();
  }

  static OrgApiException problem(HttpResponse<Buffer> response) {
    JsonObject problem;
    try {
      problem = response.body() == null ? new JsonObject() : response.body().toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      problem = new JsonObject();
    }
    return new OrgApiException(response.statusCode(), problem.getString("code", "http_" + response.statusCode()),
        problem.getString("detail", "org-service answered " + response.statusCode()), problem.getJsonArray("errors"),
        retryAfterSeconds(response.getHeader("Retry-After")));
  }

  /** {@code Retry-After} in seconds; 0 for none, or for the HTTP-date form, which org-service does not send. */
  private static long retryAfterSeconds(String header) {
    if (header == null || !header.matches("[0-9]{1,9}")) {
      return 0;
    }
    return Long.parseLong(header);
  }
}

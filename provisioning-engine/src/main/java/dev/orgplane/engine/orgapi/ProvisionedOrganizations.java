package dev.orgplane.engine.orgapi;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The organizations of a group that were provisioned from a template, as the caller sees them: org-service's
 * organization list filtered by {@code provisionedFrom} and {@code groupId}, read with the caller's token one page
 * per call, so a batch never reaches an organization its requester could not name as a target. Paged by id
 * ({@code order=id}), not by name, org-service's default: a tenant renamed while its pages were read moved past the
 * cursor (left out of the rollout) or back before it (two jobs into one organization in one batch).
 */
public final class ProvisionedOrganizations {

  private final WebClient client;
  private final String orgServiceUrl;
  private final int pageSize;

  public ProvisionedOrganizations(WebClient client, String orgServiceUrl, int pageSize) {
    this.client = client;
    this.orgServiceUrl = orgServiceUrl;
    this.pageSize = pageSize;
  }

  /**
   * All of them, by id; once more than {@code most} are found, those found so far: reading stops there, since that
   * many are refused anyway.
   */
  public Future<List<JsonObject>> list(Caller caller, String templateId, String groupId, int most) {
    return pages(caller, "/v1/organizations?order=id&provisionedFrom=" + encoded(templateId) + "&groupId="
        + encoded(groupId) + "&limit=" + pageSize, null, new ArrayList<>(), most)
        .recover(CallerAccess::unavailable);
  }

  private Future<List<JsonObject>> pages(Caller caller, String query, String cursor, List<JsonObject> found,
      int most) {
    return caller.asking(client.getAbs(orgServiceUrl + query + (cursor == null ? "" : "&cursor=" + encoded(cursor))))
        .send()
        .compose(response -> {
          var page = OrgAnswers.body(response);
          page.getJsonArray("items", new JsonArray()).forEach(item -> found.add((JsonObject) item));
          var next = page.getString("nextCursor");
          return next == null || found.size() > most ? Future.succeededFuture(found)
              : pages(caller, query, next, found, most);
        });
  }

  private static String encoded(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}

package dev.orgplane.engine.batch;

import dev.orgplane.engine.job.NewJob;
import dev.orgplane.engine.job.ProvisioningRequest;
import dev.orgplane.engine.orgapi.Caller;
import dev.orgplane.engine.orgapi.ProvisionedOrganizations;
import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A batch that selects its targets instead of naming them ({@code "select": "provisionedFrom"}): a job for every
 * organization of the template's group provisioned from the template, as the requester sees them when the batch
 * is created (later tenants are not in it). Each is queued as an existing target named in the request would be.
 */
final class TargetSelection {

  /** What a batch's {@code selection} says of targets named in its request. */
  static final String EXPLICIT = "explicit";
  /** The one selection there is: the template's tenants. */
  static final String PROVISIONED_FROM = "provisionedFrom";
  /**
   * The most organizations one selection queues jobs for; more than explicit targets (which a request body carries)
   * since these travel only as ids, and a rollout covers every tenant.
   */
  static final int MAX_SELECTED = 10_000;
  /** The batch list's filter by selection. */
  static final String FILTER = "selection";
  private static final List<String> SELECTIONS = List.of(EXPLICIT, PROVISIONED_FROM);

  private final ProvisionedOrganizations provisioned;

  TargetSelection(ProvisionedOrganizations provisioned) {
    this.provisioned = provisioned;
  }

  /** The {@link #FILTER} given ({@code null}: none); 400 {@code invalid_filter} for one that names no selection. */
  static String filter(String value) {
    if (value != null && !SELECTIONS.contains(value)) {
      throw ApiException.badRequest("invalid_filter", FILTER + " is one of " + String.join(", ", SELECTIONS) + ".");
    }
    return value;
  }

  /** 422 {@code no_targets} when there are none, {@code too_many_targets} for more than {@link #MAX_SELECTED}. */
  Future<List<NewJob>> jobs(Caller caller, ProvisioningRequest request, UUID batchId) {
    return provisioned.list(caller, request.templateOrg().toString(), request.groupId().toString(),
        MAX_SELECTED).map(listed -> {
          // read by id, an organization comes once; kept so whatever org-service's pages do, since a second job into
          // one organization in one batch would wait for the first and then copy the template again
          var organizations = listed.stream().filter(distinctIds()).toList();
          if (organizations.isEmpty()) {
            throw ApiException.unprocessable("no_targets",
                "No organization of the template's group was provisioned from the template.");
          }
          if (organizations.size() > MAX_SELECTED) {
            throw ApiException.unprocessable("too_many_targets", "More than " + MAX_SELECTED
                + " organizations of the template's group were provisioned from it; a batch selects at most "
                + MAX_SELECTED + ".");
          }
          return organizations.stream().map(organization -> request.existingTarget(batchId, organization)).toList();
        });
  }

  /** Lets an organization through the first time its id comes. */
  private static Predicate<JsonObject> distinctIds() {
    var seen = new HashSet<String>();
    return organization -> seen.add(organization.getString("id"));
  }
}

package dev.orgplane.org.provisioner;

import dev.orgplane.copy.api.Existing;
import dev.orgplane.kit.http.RequestBody;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * The {@code existing} field of a {@code :copy} or an import batch ({@link Existing}): {@code "update"} (the default)
 * replaces an object already there, {@code "keep"} leaves it exactly as it is, so that a provisioning run that only
 * adds what is missing never undoes what a tenant changed.
 */
public final class ExistingCopies {

  public static final String FIELD = "existing";

  private ExistingCopies() {
  }

  /** The field of {@code body}; an error on it (for {@code body.validate()}) if it is neither value. */
  public static Existing read(RequestBody body) {
    var value = body.optionalString(FIELD, 16);
    var existing = Existing.of(value);
    // a value that is no string at all is refused by optionalString already
    if (value != null && existing.isEmpty()) {
      body.reject(FIELD, "must be \"update\" or \"keep\"");
    }
    return existing.orElse(Existing.UPDATE);
  }

  /** The field of an import batch's body, {@code {items, existing}}: 400 {@code validation_failed} naming it. */
  public static Existing ofBatch(RoutingContext ctx) {
    var body = RequestBody.of(ctx, Set.of("items", FIELD));
    var existing = read(body);
    body.validate();
    return existing;
  }
}

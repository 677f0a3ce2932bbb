package dev.orgplane.org.provisioner;

import io.vertx.pgclient.PgException;

/**
 * Ids are unique in the whole deployment, across organizations and kinds: a receiver of many organizations' hooks
 * keys objects by id alone. Two constraints say an id is taken: the kind's own unique index on its ids (V11), which an
 * object of the same kind meets first, and the registry of every kind's ids (V55), which an object of another kind
 * meets.
 */
public final class TakenIds {

  /** The registry's key (V55). */
  private static final String REGISTRY_CONSTRAINT = "object_ids_pkey";

  private TakenIds() {
  }

  /** Whether {@code failure} is a write's refusal of an id another object holds; {@code kindConstraint}: see above. */
  public static boolean takenBy(Throwable failure, String kindConstraint) {
    return failure instanceof PgException pg && "23505".equals(pg.getSqlState())
        && (kindConstraint.equals(pg.getConstraint()) || REGISTRY_CONSTRAINT.equals(pg.getConstraint()));
  }
}

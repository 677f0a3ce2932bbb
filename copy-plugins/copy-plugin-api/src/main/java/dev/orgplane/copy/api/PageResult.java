package dev.orgplane.copy.api;

import java.util.List;

/**
 * One page done: the cursor to continue after ({@code null} when the kind is finished), its counts,
 * and the template ids it copied into systems other than org-service, which the engine records so
 * that ids embedded in free-form data can be recognised and remapped ({@link IdFunction#remapEmbedded}).
 * Copies in org-service need no record (the engine asks org-service which exist, {@link OrgApi#existing}):
 * {@link OrgObjectsPlugin}'s pages name none.
 */
public record PageResult(String nextCursor, Counts counts, List<String> sourceIds) {

  public PageResult {
    sourceIds = List.copyOf(sourceIds);
  }

  public boolean last() {
    return nextCursor == null;
  }
}

package dev.orgplane.copy.api;

import java.util.List;

/**
 * One page done: the cursor to continue after ({@code null} when the kind is finished), its counts,
 * and the template ids it copied, which the engine remembers so that ids embedded in free-form
 * settings of later kinds can be recognised and remapped ({@link IdFunction#remapEmbedded}).
 */
public record PageResult(String nextCursor, Counts counts, List<String> sourceIds) {

  public PageResult {
    sourceIds = List.copyOf(sourceIds);
  }

  public boolean last() {
    return nextCursor == null;
  }
}

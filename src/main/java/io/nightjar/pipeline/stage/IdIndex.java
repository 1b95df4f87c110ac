package io.nightjar.pipeline.stage;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The index of each id's label ({@link IndexedRatings}): an array indexed by the id itself when every id is in
 * {@code [0, IdCounts.DENSE_LIMIT)}, else a {@link LongTable}.
 */
final class IdIndex implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int[] dense;
  private final LongTable sparse;

  private IdIndex(int[] dense, LongTable sparse) {
    this.dense = dense;
    this.sparse = sparse;
  }

  /** The index of every id: {@code ids[k]} gets index {@code k}. */
  static IdIndex of(long[] ids) {
    long max = -1;
    boolean small = true;
    for (long id : ids) {
      small &= id >= 0 && id < IdCounts.DENSE_LIMIT;
      max = Math.max(max, id);
    }
    if (small) {
      int[] dense = new int[(int) (max + 1)];
      Arrays.fill(dense, -1);
      for (int k = 0; k < ids.length; k++) {
        dense[(int) ids[k]] = k;
      }
      return new IdIndex(dense, null);
    }
    LongTable sparse = new LongTable(ids.length);
    for (int k = 0; k < ids.length; k++) {
      sparse.add(ids[k], k);
    }
    return new IdIndex(null, sparse);
  }

  /** The index of {@code id}, or -1 when it has none. */
  int get(long id) {
    if (dense != null) {
      return id >= 0 && id < dense.length ? dense[(int) id] : -1;
    }
    return (int) sparse.get(id, -1);
  }
}

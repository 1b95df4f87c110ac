package io.nightjar.pipeline.stage;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Ratings per id for {@link IndexedRatings}. Ids are usually small whole numbers from 0 up (MovieLens, Last.fm, most
 * warehouse keys), and while every id seen is in {@code [0, DENSE_LIMIT)} the counts live in an array indexed by the
 * id itself: one increment per rating, no hashing. The first id outside moves the counts into a {@link LongTable},
 * which takes any long.
 */
final class IdCounts implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Ids below this (and not negative) are counted in an array of at most this many longs (16 MiB). */
  static final int DENSE_LIMIT = 1 << 21;

  private long[] dense = new long[0];
  private LongTable sparse;

  /** Counts one rating of {@code id}. */
  void add(long id) {
    if (sparse == null) {
      if (id >= 0 && id < DENSE_LIMIT) {
        if (id >= dense.length) {
          dense = Arrays.copyOf(dense, (int) Math.min(DENSE_LIMIT, Math.max(1024, Math.max(id + 1,
              2L * dense.length))));
        }
        dense[(int) id]++;
        return;
      }
      toSparse();
    }
    sparse.add(id, 1);
  }

  /** Adds {@code other}'s counts to these; returns this. */
  IdCounts merge(IdCounts other) {
    if (sparse == null && other.sparse == null) {
      long[] longer = dense.length >= other.dense.length ? dense : other.dense;
      long[] shorter = longer == dense ? other.dense : dense;
      for (int id = 0; id < shorter.length; id++) {
        longer[id] += shorter[id];
      }
      dense = longer;
      return this;
    }
    toSparse();
    if (other.sparse != null) {
      sparse.merge(other.sparse);
    } else {
      for (int id = 0; id < other.dense.length; id++) {
        if (other.dense[id] > 0) {
          sparse.add(id, other.dense[id]);
        }
      }
    }
    return this;
  }

  /** True while every id counted is in {@code [0, DENSE_LIMIT)}. */
  boolean dense() {
    return sparse == null;
  }

  /** The ids counted, in no particular order; {@link #countsInIdOrder()} gives their counts in the same order. */
  long[] ids() {
    if (sparse != null) {
      return sparse.keys();
    }
    long[] ids = new long[distinct()];
    int next = 0;
    for (int id = 0; id < dense.length; id++) {
      if (dense[id] > 0) {
        ids[next++] = id;
      }
    }
    return ids;
  }

  long[] countsInIdOrder() {
    if (sparse != null) {
      return sparse.valuesInKeyOrder();
    }
    long[] counts = new long[distinct()];
    int next = 0;
    for (long count : dense) {
      if (count > 0) {
        counts[next++] = count;
      }
    }
    return counts;
  }

  private int distinct() {
    int distinct = 0;
    for (long count : dense) {
      if (count > 0) {
        distinct++;
      }
    }
    return distinct;
  }

  private void toSparse() {
    if (sparse != null) {
      return;
    }
    sparse = new LongTable(Math.max(16, distinct()));
    for (int id = 0; id < dense.length; id++) {
      if (dense[id] > 0) {
        sparse.add(id, dense[id]);
      }
    }
    dense = new long[0];
  }
}

package io.nightjar.pipeline.stage;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A map from long keys to long values in two primitive arrays (open addressing, linear probing): the id counts
 * ({@link IdCounts}) and the id-to-index lookups ({@link IdIndex}) of {@link IndexedRatings} when the ids are not all
 * small whole numbers, without a boxed object per id.
 */
final class LongTable implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private long[] keys;
  private long[] values;
  private boolean[] used;
  private int size;
  private int shift;

  LongTable() {
    this(1024);
  }

  LongTable(int expected) {
    int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    allocate(capacity);
  }

  private void allocate(int capacity) {
    keys = new long[capacity];
    values = new long[capacity];
    used = new boolean[capacity];
    shift = 64 - Integer.numberOfTrailingZeros(capacity);
  }

  int size() {
    return size;
  }

  /** Adds {@code by} to the value of {@code key} (0 when absent). */
  void add(long key, long by) {
    int slot = slot(key);
    if (used[slot]) {
      values[slot] += by;
      return;
    }
    used[slot] = true;
    keys[slot] = key;
    values[slot] = by;
    if (++size * 2 > keys.length) {
      grow();
    }
  }

  /** The value of {@code key}, or {@code missing} when absent. */
  long get(long key, long missing) {
    int slot = slot(key);
    return used[slot] ? values[slot] : missing;
  }

  /** Adds every entry of {@code other} to this table; returns this table. */
  LongTable merge(LongTable other) {
    for (int slot = 0; slot < other.keys.length; slot++) {
      if (other.used[slot]) {
        add(other.keys[slot], other.values[slot]);
      }
    }
    return this;
  }

  /** The keys, in no particular order; {@link #valuesInKeyOrder()} gives the values in the same order. */
  long[] keys() {
    return collect(keys);
  }

  long[] valuesInKeyOrder() {
    return collect(values);
  }

  private long[] collect(long[] from) {
    long[] out = new long[size];
    int next = 0;
    for (int slot = 0; slot < from.length; slot++) {
      if (used[slot]) {
        out[next++] = from[slot];
      }
    }
    return out;
  }

  /** The slot holding {@code key}, or the empty slot where it would go. */
  private int slot(long key) {
    int mask = keys.length - 1;
    int slot = (int) ((key * GOLDEN) >>> shift);
    while (used[slot] && keys[slot] != key) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private void grow() {
    long[] oldKeys = keys;
    long[] oldValues = values;
    boolean[] oldUsed = used;
    allocate(oldKeys.length * 2);
    size = 0;
    for (int slot = 0; slot < oldKeys.length; slot++) {
      if (oldUsed[slot]) {
        int to = slot(oldKeys[slot]);
        used[to] = true;
        keys[to] = oldKeys[slot];
        values[to] = oldValues[slot];
        size++;
      }
    }
  }

  @Override
  public String toString() {
    return "LongTable(" + size + " keys of " + keys.length + " slots; first keys " + Arrays.toString(
        Arrays.copyOf(keys(), Math.min(size, 5))) + ")";
  }
}

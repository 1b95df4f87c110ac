package io.nightjar.recommend;

import java.util.Arrays;

/**
 * The best {@code k} (item, score) pairs offered so far, as a bounded min-heap: the worst kept pair is at the root,
 * so most offers are turned away by a single comparison with {@link #threshold()}.
 *
 * <p>Order: a higher score is better; between equal scores, the lower item id is better. The result therefore never
 * depends on the order items are offered in.
 */
final class TopK {
  private final int k;
  private final float[] scores;
  private final int[] items;
  private int size;

  TopK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    this.k = k;
    this.scores = new float[k];
    this.items = new int[k];
  }

  void clear() {
    size = 0;
  }

  int size() {
    return size;
  }

  boolean full() {
    return size == k;
  }

  /** A score must beat this to get in once the heap is full; negative infinity before. */
  float threshold() {
    return size == k ? scores[0] : Float.NEGATIVE_INFINITY;
  }

  /** True when (score, item) would be kept. NaN scores are never kept. */
  boolean accepts(float score, int item) {
    if (score != score) {
      return false;
    }
    return size < k || worse(scores[0], items[0], score, item);
  }

  /** Offers a pair; kept only if it is among the best {@code k} so far. */
  void offer(float score, int item) {
    if (!accepts(score, item)) {
      return;
    }
    if (size < k) {
      int i = size++;
      scores[i] = score;
      items[i] = item;
      siftUp(i);
    } else {
      scores[0] = score;
      items[0] = item;
      siftDown(0);
    }
  }

  /** True when (s1, i1) ranks below (s2, i2). */
  private static boolean worse(float s1, int i1, float s2, int i2) {
    return s1 < s2 || (s1 == s2 && i1 > i2);
  }

  private void siftUp(int i) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!worse(scores[i], items[i], scores[parent], items[parent])) {
        return;
      }
      swap(i, parent);
      i = parent;
    }
  }

  private void siftDown(int i) {
    while (true) {
      int left = 2 * i + 1;
      if (left >= size) {
        return;
      }
      int worst = left;
      int right = left + 1;
      if (right < size && worse(scores[right], items[right], scores[left], items[left])) {
        worst = right;
      }
      if (!worse(scores[worst], items[worst], scores[i], items[i])) {
        return;
      }
      swap(i, worst);
      i = worst;
    }
  }

  private void swap(int a, int b) {
    float s = scores[a];
    scores[a] = scores[b];
    scores[b] = s;
    int t = items[a];
    items[a] = items[b];
    items[b] = t;
  }

  /** The kept item ids, best first; the heap is left empty. */
  int[] drainBestFirst() {
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> worse(scores[a], items[a], scores[b], items[b]) ? 1
        : worse(scores[b], items[b], scores[a], items[a]) ? -1 : 0);
    int[] best = new int[size];
    for (int i = 0; i < size; i++) {
      best[i] = items[order[i]];
    }
    size = 0;
    return best;
  }
}

package io.nightjar.pipeline.stage;

import java.util.UUID;

/** Unique ids for stages, in the form Spark's own stages use ({@code prefix_12hexdigits}). */
final class StageIds {
  private StageIds() {}

  static String random(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}

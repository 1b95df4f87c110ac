package io.nightjar.spec;

import java.util.List;
import java.util.Set;

/**
 * The model store and how versions in it are kept and trusted.
 *
 * @param store the model store root, a Hadoop path
 * @param keep how many versions to keep (the newest); CURRENT and the version before it are always kept; 0 keeps all
 * @param onSparkVersionMismatch {@code fail} or {@code warn} when a model was saved by another Spark major.minor
 */
public record ModelSpec(String store, int keep, String onSparkVersionMismatch) {
  public static final int DEFAULT_KEEP = 10;
  public static final List<String> MISMATCH_POLICIES = List.of("fail", "warn");
  static final Set<String> KEYS = Set.of("store", "keep", "onSparkVersionMismatch");

  static ModelSpec read(SpecNode node) {
    long keep = node.optionalLong("keep", DEFAULT_KEEP);
    if (keep != 0 && (keep < 2 || keep > 10_000)) {
      throw node.invalid("keep", String.valueOf(keep), "0 (keep every version) or a whole number from 2 to 10000");
    }
    return new ModelSpec(node.requiredString("store"), (int) keep,
        node.optionalChoice("onSparkVersionMismatch", "fail", MISMATCH_POLICIES));
  }

  public boolean failOnSparkVersionMismatch() {
    return "fail".equals(onSparkVersionMismatch);
  }
}

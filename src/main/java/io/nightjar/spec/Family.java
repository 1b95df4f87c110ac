package io.nightjar.spec;

import java.util.List;

/** The label family of an elasticnet job: a numeric target, a binary one, or decided from the label's values. */
public enum Family {
  /** Detect: a label whose values are only 0 and 1 is binomial, anything else gaussian. */
  AUTO,
  /** LinearRegression on a numeric label. */
  GAUSSIAN,
  /** LogisticRegression on a 0/1 label. */
  BINOMIAL;

  static final List<String> NAMES = List.of("auto", "gaussian", "binomial");

  public String specName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  static Family read(SpecNode root, ModelKind kind) {
    String name = root.optionalChoice("family", "auto", NAMES);
    if (kind != ModelKind.ELASTICNET && root.has("family")) {
      throw new io.nightjar.error.JobSpecException(root.source() + ": key 'family' applies to kind elasticnet only; "
          + "remove it from this " + kind.specName() + " job");
    }
    return valueOf(name.toUpperCase(java.util.Locale.ROOT));
  }
}

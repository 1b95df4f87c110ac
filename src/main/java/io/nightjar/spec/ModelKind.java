package io.nightjar.spec;

/** The kinds of pipeline Nightjar trains, by their job spec name. */
public enum ModelKind {
  /** Collaborative filtering on (user, item, rating): baseline biases plus Spark's ALS on the residuals. */
  ALS("als"),
  /** Linear regression with an elastic-net penalty on tabular numeric and categorical features. */
  ELASTICNET("elasticnet");

  private final String specName;

  ModelKind(String specName) {
    this.specName = specName;
  }

  public String specName() {
    return specName;
  }

  static ModelKind fromSpecName(String name) {
    for (ModelKind kind : values()) {
      if (kind.specName.equals(name)) {
        return kind;
      }
    }
    throw new IllegalArgumentException(name);
  }
}

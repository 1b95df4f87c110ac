package io.nightjar.spec;

import io.nightjar.error.JobSpecException;
import java.util.Locale;

/** How predict scores with a loaded pipeline ({@code predict.scoring} in the job spec). */
public enum ScoringMode {
  /**
   * The fitted stages read back into plain Spark SQL expressions and broadcast lookups (no ML vectors, no UDFs, no
   * shuffle), giving the same scores as the pipeline's own transform; a pipeline with a stage the compiler does not
   * know is scored with {@link #SPARK}.
   */
  COMPILED("compiled"),
  /** {@code PipelineModel.transform}, stage by stage, as Spark ML does it. */
  SPARK("spark");

  private final String specName;

  ScoringMode(String specName) {
    this.specName = specName;
  }

  public String specName() {
    return specName;
  }

  /**
   * Parses a spec value ({@code compiled} or {@code spark}, any case).
   *
   * @param key the spec key the value came from, named in the error
   */
  public static ScoringMode fromSpec(String key, String value) {
    for (ScoringMode mode : values()) {
      if (mode.specName.equals(value == null ? null : value.toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new JobSpecException(String.format("%s = '%s' is not a scoring method; use compiled (the default: the "
        + "fitted pipeline as plain Spark SQL expressions) or spark (PipelineModel.transform)", key, value));
  }
}

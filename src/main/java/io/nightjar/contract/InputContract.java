package io.nightjar.contract;

import java.util.List;
import java.util.Map;

/**
 * The columns a saved model needs at scoring time, recorded in its manifest at training time.
 *
 * @param columns the required columns in input order
 * @param categoricalLevels the levels seen in training for each categorical feature (at most {@link #MAX_LEVELS})
 */
public record InputContract(List<ColumnContract> columns, Map<String, List<String>> categoricalLevels) {
  /** Levels beyond this many are not recorded (ids, free text): the manifest stays small. */
  public static final int MAX_LEVELS = 1000;

  /**
   * One required column.
   *
   * @param name the column name
   * @param type the training type, in Spark's simple form ({@code double}, {@code string}, ...)
   * @param nullable whether training data allowed nulls
   * @param role what the model does with it ({@code user}, {@code item}, {@code numeric}, {@code categorical})
   */
  public record ColumnContract(String name, String type, boolean nullable, String role) {}
}

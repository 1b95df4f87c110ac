package io.nightjar.pipeline;

/** Names of the intermediate columns the pipelines add; prefixed so they never clash with user columns. */
public final class Columns {
  /** Every intermediate column starts with this; a user column must not. */
  public static final String INTERNAL_PREFIX = "__nj_";
  /** The column every pipeline predicts into. */
  public static final String PREDICTION = "prediction";
  /**
   * On the ALS pipeline's output (never written by predict): which side was not seen in training, as an int: 0
   * none (the latent factors scored the row), 1 the user, 2 the item, 3 both (the baseline alone scored it).
   */
  public static final String COLD_START = INTERNAL_PREFIX + "cold_start";

  static final String USER_INDEX = INTERNAL_PREFIX + "user_idx";
  static final String ITEM_INDEX = INTERNAL_PREFIX + "item_idx";
  static final String BASELINE = INTERNAL_PREFIX + "baseline";
  static final String RESIDUAL = INTERNAL_PREFIX + "residual";
  /** The baseline's user side (mean + user bias) and item side (item bias), for a blended ALS fit. */
  static final String USER_OFFSET = INTERNAL_PREFIX + "user_offset";
  static final String ITEM_OFFSET = INTERNAL_PREFIX + "item_offset";
  static final String RESIDUAL_PREDICTION = INTERNAL_PREFIX + "residual_prediction";
  /** The assembled feature vector of the elastic-net pipeline. */
  public static final String FEATURES = INTERNAL_PREFIX + "features";

  private Columns() {}

  /** {@code name} as a Spark column reference: back-quoted, so dots and spaces in user column names stay literal. */
  public static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  static String imputed(String column) {
    return INTERNAL_PREFIX + "imputed_" + column;
  }

  static String indexed(String column) {
    return INTERNAL_PREFIX + "index_" + column;
  }

  static String encoded(String column) {
    return INTERNAL_PREFIX + "onehot_" + column;
  }
}

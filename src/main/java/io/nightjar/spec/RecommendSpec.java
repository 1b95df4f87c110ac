package io.nightjar.spec;

import java.util.Set;

/**
 * What the {@code recommend} verb writes: the top {@code k} items per user, as Parquet partitioned by run date.
 *
 * <pre>
 * recommend:
 *   output: {path: output/ratings-als-top10}   # required; the output root, partitioned by {@code partition}
 *   k: 10                                      # items per user, 1 to 1000; default 10
 *   excludeSeen: true                          # leave out what the user rated in the training input; default true
 *   users: {path: data/users, format: csv}     # optional; only these users (default: every user of the model)
 *   usersColumn: user_id                       # the id column of {@code users}; default columns.user
 *   partition: ds                              # default ds
 *   maxFilesPerPartition: 8                    # at most this many Parquet files per date; default 8
 * </pre>
 *
 * @param outputPath the output root
 * @param k items per user
 * @param excludeSeen whether items the user rated in the training input are left out
 * @param users the users to recommend for, or null for every user the model knows
 * @param usersColumn the user id column of {@code users}, or null for the job's user column
 * @param partition the partition column name
 * @param maxFilesPerPartition the most Parquet files written under one date
 */
public record RecommendSpec(String outputPath, int k, boolean excludeSeen, InputSpec users, String usersColumn,
    String partition, int maxFilesPerPartition) {
  public static final int DEFAULT_K = 10;
  public static final int MAX_K = 1000;
  public static final int DEFAULT_MAX_FILES = 8;
  public static final int MAX_FILES = 10_000;
  static final Set<String> KEYS = Set.of("output", "k", "excludeSeen", "users", "usersColumn", "partition",
      "maxFilesPerPartition");
  static final Set<String> OUTPUT_KEYS = Set.of("path");

  static RecommendSpec read(SpecNode node) {
    if (node == null) {
      return null;
    }
    String output = node.requiredChild("output", OUTPUT_KEYS).requiredString("path");
    long k = node.optionalLong("k", DEFAULT_K);
    if (k < 1 || k > MAX_K) {
      throw node.invalid("k", String.valueOf(k), "a whole number of items per user from 1 to " + MAX_K + ", such as 10");
    }
    boolean excludeSeen = node.optionalBoolean("excludeSeen", true);
    SpecNode usersNode = node.optionalChild("users", InputSpec.KEYS);
    InputSpec users = usersNode == null ? null : InputSpec.read(usersNode);
    String usersColumn = node.optionalString("usersColumn", null);
    if (usersColumn != null && users == null) {
      throw node.invalid("usersColumn", "'" + usersColumn + "'", "no key at all unless recommend.users is set");
    }
    String partition = node.optionalString("partition", PredictSpec.DEFAULT_PARTITION);
    if (!partition.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw node.invalid("partition", "'" + partition + "'", "a plain column name such as ds");
    }
    long files = node.optionalLong("maxFilesPerPartition", DEFAULT_MAX_FILES);
    if (files < 1 || files > MAX_FILES) {
      throw node.invalid("maxFilesPerPartition", String.valueOf(files), "a whole number from 1 to " + MAX_FILES);
    }
    return new RecommendSpec(output, (int) k, excludeSeen, users, usersColumn, partition, (int) files);
  }

  /** The same settings with another {@code k}, as {@code --k} asks; checked like the spec key. */
  public RecommendSpec withK(int value) {
    if (value < 1 || value > MAX_K) {
      throw new io.nightjar.error.JobSpecException("--k " + value + " is not a number of items per user from 1 to "
          + MAX_K + "; pass a positive number such as --k 10");
    }
    return new RecommendSpec(outputPath, value, excludeSeen, users, usersColumn, partition, maxFilesPerPartition);
  }

  /** The same settings with seen items kept or left out, as {@code --include-seen} asks. */
  public RecommendSpec withExcludeSeen(boolean value) {
    return new RecommendSpec(outputPath, k, value, users, usersColumn, partition, maxFilesPerPartition);
  }
}

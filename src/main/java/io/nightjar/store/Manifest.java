package io.nightjar.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightjar.evaluate.HoldoutEvaluation;
import java.util.Map;

/**
 * How a model version was made, saved beside it as {@code manifest.json}. Read tolerantly: a field added by a later
 * release is simply absent (null) in older manifests.
 *
 * @param formatVersion version of this manifest layout
 * @param job the job name
 * @param kind the model kind ({@code als}, {@code elasticnet})
 * @param version the model version
 * @param createdAt ISO-8601 instant the version was written
 * @param software versions of Nightjar, Spark, Scala and Java that made it
 * @param seed the job's seed
 * @param params every param of the final estimator as Spark JSON-encodes it
 * @param settings other training settings (holdout fraction, biases, feature columns)
 * @param input the training input and what became of its rows
 * @param metrics holdout metrics beside the training-mean reference
 */
public record Manifest(
    int formatVersion,
    String job,
    String kind,
    String version,
    String createdAt,
    Map<String, String> software,
    long seed,
    Map<String, JsonNode> params,
    Map<String, Object> settings,
    InputSummary input,
    HoldoutEvaluation metrics) {

  public static final int FORMAT_VERSION = 1;

  /**
   * The training input.
   *
   * @param path the input path as given
   * @param format the input format
   * @param rows rows read
   * @param excludedRows rows left out of training (missing label, rating or id)
   * @param trainingRows rows trained on
   * @param holdoutRows rows evaluated on
   * @param schema the input schema, in Spark's JSON form
   */
  public record InputSummary(
      String path, String format, long rows, long excludedRows, long trainingRows, long holdoutRows, JsonNode schema) {}
}

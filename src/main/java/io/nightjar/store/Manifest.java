package io.nightjar.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightjar.contract.InputContract;
import io.nightjar.evaluate.HoldoutEvaluation;
import io.nightjar.evaluate.ModelEvaluation;
import io.nightjar.gate.GateDecision;
import java.util.Map;
import java.util.Optional;

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
 * @param metrics regression holdout metrics beside the training-mean reference (null for kinds not scored as
 *     regression)
 * @param contract the columns scoring needs, their types and categorical levels
 * @param files SHA-256 of every file of the saved pipeline, by path relative to {@code pipeline/}
 * @param evaluation every holdout metric of the model and its references (format 2 on)
 * @param tuning every grid point's score and the chosen params, or null when the job does not tune (format 2 on)
 * @param gate the quality gate's decision (format 2 on)
 * @param scorer the compiled scorer's parameters ({@link io.nightjar.score.Scorer#parameters()}) when the pipeline
 *     compiles to one: predict scores with them while the pipeline loads, and publishes only when the loaded
 *     pipeline compiles to the same (null for ALS, and in versions written before it)
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
    HoldoutEvaluation metrics,
    InputContract contract,
    Map<String, String> files,
    ModelEvaluation evaluation,
    JsonNode tuning,
    GateDecision gate,
    JsonNode scorer) {

  public static final int FORMAT_VERSION = 2;

  /** The same manifest with the pipeline's file digests added. */
  public Manifest withFiles(Map<String, String> digests) {
    return new Manifest(formatVersion, job, kind, version, createdAt, software, seed, params, settings, input, metrics,
        contract, Map.copyOf(digests), evaluation, tuning, gate, scorer);
  }

  /**
   * The compiled scorer's parameters; empty when the manifest has none (an ALS version, where the field is JSON
   * {@code null}, or a version saved before the field existed).
   */
  public Optional<JsonNode> compiledScorer() {
    return scorer == null || scorer.isNull() || scorer.isMissingNode() ? Optional.empty() : Optional.of(scorer);
  }

  /**
   * The training input.
   *
   * @param path the input path as given
   * @param format the input format
   * @param rows rows read
   * @param excludedRows rows left out of training (missing label, rating or id; infinite feature)
   * @param excludedByReason the excluded rows by reason
   * @param trainingRows rows trained on
   * @param holdoutRows rows evaluated on
   * @param schema the input schema, in Spark's JSON form
   */
  public record InputSummary(
      String path, String format, long rows, long excludedRows, Map<String, Long> excludedByReason,
      long trainingRows, long holdoutRows, JsonNode schema) {}
}

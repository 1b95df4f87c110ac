package io.nightjar.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightjar.error.JobSpecException;
import io.nightjar.spec.JobSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * The tabular pipeline: impute missing numbers with the training median, index and one-hot encode categories (a
 * category not seen in training, or a missing one, encodes to all zeros), assemble, and fit an elastic-net
 * {@link LinearRegression} ({@link Family#GAUSSIAN}) or an elastic-net binomial {@link LogisticRegression}
 * ({@link Family#BINOMIAL}). Both families share the same feature stages.
 */
public final class ElasticNetPipeline {
  /** Which elastic-net learner ends the pipeline. */
  public enum Family {
    /** Least squares on a numeric label: {@link LinearRegression}. */
    GAUSSIAN("gaussian"),
    /** Two classes labelled 0 and 1: {@link LogisticRegression} with family binomial. */
    BINOMIAL("binomial");

    private final String specName;

    Family(String specName) {
      this.specName = specName;
    }

    /** The name a job spec uses: {@code gaussian} or {@code binomial}. */
    public String specName() {
      return specName;
    }

    /**
     * Parses a spec value ({@code gaussian} or {@code binomial}, any case).
     *
     * @param key the spec key the value came from, named in the error
     * @throws JobSpecException for any other value
     */
    public static Family fromSpec(String key, String value) {
      for (Family family : values()) {
        if (family.specName.equals(value == null ? null : value.toLowerCase(Locale.ROOT))) {
          return family;
        }
      }
      throw new JobSpecException(String.format(
          "%s = '%s' is not a family; use gaussian (a numeric label) or binomial (a 0/1 label)", key, value));
    }
  }

  /** The double column binomial predictions expose: the probability of class 1. */
  public static final String PROBABILITY = "probability";
  /** LogisticRegression's probability vector, internal: {@link #positiveProbability()} turns it into a double. */
  public static final String PROBABILITY_VECTOR = Columns.INTERNAL_PREFIX + "probability";
  /** LogisticRegression's raw prediction (margins), internal. */
  public static final String RAW_PREDICTION = Columns.INTERNAL_PREFIX + "raw_prediction";

  static final Map<String, String> RESERVED = Map.of(
      "featuresCol", "columns.features",
      "labelCol", "columns.label",
      "predictionCol", "nothing: the output column is always 'prediction'",
      "weightCol", "nothing: row weights are not supported yet");

  /** What Nightjar sets itself on LogisticRegression, with the key to use instead. */
  static final Map<String, String> RESERVED_BINOMIAL = Map.of(
      "featuresCol", "columns.features",
      "labelCol", "columns.label",
      "predictionCol", "nothing: the output column is always 'prediction'",
      "probabilityCol", "nothing: the output column is always 'probability' (the probability of class 1)",
      "rawPredictionCol", "nothing: the raw margins are internal",
      "weightCol", "nothing: row weights are not supported yet",
      "family", "the job's family (binomial is the only logistic family Nightjar fits)");

  private ElasticNetPipeline() {}

  /** The gaussian pipeline of a job spec (unchanged behaviour: {@link LinearRegression}). */
  static Pipeline build(JobSpec spec, TabularFeatures features) {
    return build(spec.params(), spec.tabularColumns().label(), features, Family.GAUSSIAN);
  }

  /** The pipeline of a job spec for the given family; {@code spec.params()} go to the family's learner. */
  public static Pipeline build(JobSpec spec, TabularFeatures features, Family family) {
    return build(spec.params(), spec.tabularColumns().label(), features, family);
  }

  /**
   * Builds the unfitted pipeline.
   *
   * @param params the learner's params by their Spark names, checked by {@link EstimatorParams}
   * @param label the label column: numeric for gaussian; numeric 0/1 for binomial (cast a boolean label to double
   *     first, see {@link LabelKind#withDoubleLabel})
   */
  public static Pipeline build(Map<String, JsonNode> params, String label, TabularFeatures features, Family family) {
    List<PipelineStage> stages = featureStages(features);
    stages.add(learner(params, label, family));
    return new Pipeline().setStages(stages.toArray(PipelineStage[]::new));
  }

  /**
   * The positive-class probability of a scored binomial row as a double column, from the pipeline's internal
   * probability vector; alias it {@link #PROBABILITY} in the output.
   */
  public static Column positiveProbability() {
    return org.apache.spark.ml.functions.vector_to_array(functions.col(PROBABILITY_VECTOR), "float64").getItem(1);
  }

  private static PipelineStage learner(Map<String, JsonNode> params, String label, Family family) {
    return switch (family) {
      case GAUSSIAN -> EstimatorParams.apply(new LinearRegression(), params, RESERVED)
          .setFeaturesCol(Columns.FEATURES)
          .setLabelCol(label)
          .setPredictionCol(Columns.PREDICTION);
      case BINOMIAL -> EstimatorParams.apply(new LogisticRegression(), params, RESERVED_BINOMIAL)
          .setFamily("binomial")
          .setFeaturesCol(Columns.FEATURES)
          .setLabelCol(label)
          .setPredictionCol(Columns.PREDICTION)
          .setProbabilityCol(PROBABILITY_VECTOR)
          .setRawPredictionCol(RAW_PREDICTION);
    };
  }

  private static List<PipelineStage> featureStages(TabularFeatures features) {
    List<PipelineStage> stages = new ArrayList<>();
    List<String> assembled = new ArrayList<>();
    if (!features.numeric().isEmpty()) {
      String[] in = features.numeric().toArray(String[]::new);
      String[] out = features.numeric().stream().map(Columns::imputed).toArray(String[]::new);
      stages.add(new Imputer().setStrategy("median").setInputCols(in).setOutputCols(out));
      assembled.addAll(List.of(out));
    }
    if (!features.categorical().isEmpty()) {
      String[] in = features.categorical().toArray(String[]::new);
      String[] indexed = features.categorical().stream().map(Columns::indexed).toArray(String[]::new);
      String[] encoded = features.categorical().stream().map(Columns::encoded).toArray(String[]::new);
      // "keep" sends unseen and missing categories to one spare index; dropLast then encodes it as all zeros.
      stages.add(new StringIndexer().setInputCols(in).setOutputCols(indexed).setHandleInvalid("keep"));
      stages.add(new OneHotEncoder().setInputCols(indexed).setOutputCols(encoded).setDropLast(true));
      assembled.addAll(List.of(encoded));
    }
    stages.add(new VectorAssembler().setInputCols(assembled.toArray(String[]::new)).setOutputCol(Columns.FEATURES));
    return stages;
  }
}

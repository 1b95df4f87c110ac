package io.nightjar.pipeline;

import io.nightjar.spec.JobSpec;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;

/** The one place that picks the pipeline for a job's kind. */
public final class PipelineFactory {
  private PipelineFactory() {}

  /**
   * Builds the unfitted pipeline.
   *
   * @param features the resolved tabular features; ignored for ALS jobs
   */
  public static Pipeline build(JobSpec spec, TabularFeatures features) {
    return build(spec, features, ElasticNetPipeline.Family.GAUSSIAN);
  }

  /**
   * Builds the unfitted pipeline.
   *
   * @param features the resolved tabular features; ignored for ALS jobs
   * @param family the elastic-net learner (resolved from the spec's family and the label); ignored for ALS jobs
   */
  public static Pipeline build(JobSpec spec, TabularFeatures features, ElasticNetPipeline.Family family) {
    return switch (spec.kind()) {
      case ALS -> AlsPipeline.build(spec);
      case ELASTICNET -> ElasticNetPipeline.build(spec, features, family);
    };
  }

  /**
   * Fits a pipeline {@link #build} made: {@code Pipeline.fit}, except that an ALS pipeline indexes its ids once for
   * all of its stages (same stages, same model).
   */
  public static org.apache.spark.ml.PipelineModel fit(JobSpec spec, Pipeline pipeline,
      org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> training) {
    return spec.kind() == io.nightjar.spec.ModelKind.ALS ? AlsPipeline.fit(pipeline, training) : pipeline.fit(training);
  }

  /**
   * How tuning fits the stages before the learner on each fold: for ALS, the ids indexed as {@link #fit} indexes them
   * (same model as {@code Pipeline.fit}, fewer passes); for ElasticNet, {@code Pipeline.fit}.
   */
  public static io.nightjar.tune.PrefixFitter prefixFitter(JobSpec spec) {
    return spec.kind() == io.nightjar.spec.ModelKind.ALS ? AlsPipeline::fitPrefix
        : io.nightjar.tune.PrefixFitter.standard();
  }

  /** Params Nightjar sets itself on the job's learner, with the spec key to use instead. */
  public static java.util.Map<String, String> reserved(JobSpec spec, PipelineStage learner) {
    return switch (spec.kind()) {
      case ALS -> AlsPipeline.RESERVED;
      case ELASTICNET -> learner instanceof org.apache.spark.ml.classification.LogisticRegression
          ? ElasticNetPipeline.RESERVED_BINOMIAL : ElasticNetPipeline.RESERVED;
    };
  }

  /** The position of {@link #learner} among the pipeline's stages. */
  public static int learnerIndex(Pipeline pipeline, JobSpec spec) {
    return java.util.Arrays.asList(pipeline.getStages()).indexOf(learner(pipeline, spec));
  }

  /** The stage whose params the job spec's {@code params} configure (ALS, LinearRegression or LogisticRegression). */
  public static PipelineStage learner(Pipeline pipeline, JobSpec spec) {
    Class<?> type = switch (spec.kind()) {
      case ALS -> org.apache.spark.ml.recommendation.ALS.class;
      case ELASTICNET -> org.apache.spark.ml.regression.LinearRegression.class;
    };
    for (PipelineStage stage : pipeline.getStages()) {
      if (type.isInstance(stage) || stage instanceof org.apache.spark.ml.classification.LogisticRegression) {
        return stage;
      }
    }
    throw new IllegalStateException("the " + spec.kind().specName() + " pipeline has no " + type.getSimpleName());
  }
}

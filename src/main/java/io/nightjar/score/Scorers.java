package io.nightjar.score;

import static org.apache.spark.sql.functions.col;

import io.nightjar.pipeline.Columns;
import io.nightjar.pipeline.stage.PredictionCombiner;
import io.nightjar.spec.ScoringMode;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the scorer for a loaded pipeline. */
public final class Scorers {
  private static final Logger LOG = LoggerFactory.getLogger(Scorers.class);

  private Scorers() {}

  /**
   * The scorer of {@code model}: compiled when {@code mode} asks for it and the pipeline compiles, else the
   * pipeline's own transform (the reason is logged).
   */
  public static Scorer forModel(PipelineModel model, ScoringMode mode) {
    if (mode == ScoringMode.COMPILED) {
      boolean als = model.stages().length > 0
          && model.stages()[model.stages().length - 1] instanceof PredictionCombiner;
      Compilation compiled = als ? FactorScorer.compile(model) : LinearScorer.compile(model);
      if (compiled.scorer().isPresent()) {
        return compiled.scorer().get();
      }
      LOG.warn("scoring with PipelineModel.transform: the pipeline does not compile ({})", compiled.refusal());
    }
    return new TransformScorer(model);
  }

  /** Every column of the batch, in order, as a mutable list to add the scored columns to. */
  static List<Column> batchColumns(Dataset<Row> batch) {
    List<Column> columns = new ArrayList<>();
    for (String name : batch.columns()) {
      columns.add(col(Columns.quoted(name)));
    }
    return columns;
  }
}

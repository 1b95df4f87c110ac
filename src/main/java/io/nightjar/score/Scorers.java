package io.nightjar.score;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import io.nightjar.pipeline.Columns;
import io.nightjar.pipeline.stage.PredictionCombiner;
import io.nightjar.spec.ScoringMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

  /** The parameters of the scorer an elastic-net pipeline compiles to; empty when it does not compile to one. */
  public static Optional<JsonNode> parametersOf(PipelineModel model) {
    return LinearScorer.compile(model).scorer().flatMap(Scorer::parameters);
  }

  /**
   * The scorer {@link Scorer#parameters()} described, without the pipeline it was compiled from.
   *
   * @throws IllegalArgumentException naming what is missing or malformed
   */
  public static Scorer fromParameters(JsonNode parameters) {
    return LinearScorer.fromParameters(parameters);
  }

  /** Terms summed in one left-to-right chain by {@link #sum}. */
  static final int CHUNK = 32;

  /**
   * The sum of {@code terms}, left to right within chunks of {@link #CHUNK} terms and then chunk by chunk; null for no
   * terms. One chain of n additions nests an expression n deep, and Spark's recursive passes over it overflow the
   * stack once n is in the hundreds (a rank-311 ALS blend and a 400-feature linear model did); chunks keep the depth
   * near {@code CHUNK + n / CHUNK}, and up to {@code CHUNK} terms the order, hence the float result, is the chain's.
   */
  static Column sum(List<Column> terms) {
    Column total = null;
    for (int start = 0; start < terms.size(); start += CHUNK) {
      Column chunk = terms.get(start);
      for (int k = start + 1; k < Math.min(terms.size(), start + CHUNK); k++) {
        chunk = chunk.plus(terms.get(k));
      }
      total = total == null ? chunk : total.plus(chunk);
    }
    return total;
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

package io.nightjar.score;

import static org.apache.spark.sql.functions.col;

import io.nightjar.pipeline.Columns;
import io.nightjar.pipeline.ElasticNetPipeline;
import io.nightjar.spec.ScoringMode;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Scores with {@code PipelineModel.transform}, then keeps the batch's columns and the scored ones. */
final class TransformScorer implements Scorer {
  private final PipelineModel model;

  TransformScorer(PipelineModel model) {
    this.model = model;
  }

  @Override
  public Dataset<Row> score(Dataset<Row> batch) {
    Dataset<Row> transformed = model.transform(batch);
    List<Column> output = Scorers.batchColumns(batch);
    output.add(col(Columns.PREDICTION).cast("double").as(Columns.PREDICTION));
    Transformer last = model.stages()[model.stages().length - 1];
    if (last instanceof LogisticRegressionModel) {
      output.add(ElasticNetPipeline.positiveProbability().as(ElasticNetPipeline.PROBABILITY));
    }
    if (List.of(transformed.columns()).contains(Columns.COLD_START)) {
      output.add(col(Columns.COLD_START));
    }
    return transformed.select(output.toArray(Column[]::new));
  }

  @Override
  public String method() {
    return ScoringMode.SPARK.specName();
  }
}

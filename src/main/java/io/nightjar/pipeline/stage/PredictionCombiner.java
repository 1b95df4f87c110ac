package io.nightjar.pipeline.stage;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The final ALS stage: prediction = baseline + latent-factor residual. Where ALS has no factors (a user or item not
 * seen in training, so ALS answers NaN) the residual counts as zero and the baseline alone is the prediction: every
 * row is scored, none is dropped or left NaN.
 */
public class PredictionCombiner extends Transformer implements DefaultParamsWritable {
  private final String uid;
  private final Param<String> baselineCol;
  private final Param<String> residualPredictionCol;
  private final Param<String> predictionCol;

  public PredictionCombiner() {
    this(StageIds.random("njCombine"));
  }

  public PredictionCombiner(String uid) {
    this.uid = uid;
    baselineCol = new Param<>(this, "baselineCol", "baseline column");
    residualPredictionCol = new Param<>(this, "residualPredictionCol", "ALS prediction of the residual; NaN if none");
    predictionCol = new Param<>(this, "predictionCol", "output prediction column");
    setDefault(baselineCol, "baseline");
    setDefault(residualPredictionCol, "residualPrediction");
    setDefault(predictionCol, "prediction");
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> baselineCol() {
    return baselineCol;
  }

  public Param<String> residualPredictionCol() {
    return residualPredictionCol;
  }

  public Param<String> predictionCol() {
    return predictionCol;
  }

  public PredictionCombiner setBaselineCol(String value) {
    set(baselineCol, value);
    return this;
  }

  public PredictionCombiner setResidualPredictionCol(String value) {
    set(residualPredictionCol, value);
    return this;
  }

  public PredictionCombiner setPredictionCol(String value) {
    set(predictionCol, value);
    return this;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    Column residual = col(getOrDefault(residualPredictionCol)).cast("double");
    Column known = when(residual.isNull().or(isnan(residual)), lit(0.0)).otherwise(residual);
    return dataset.toDF().withColumn(getOrDefault(predictionCol), col(getOrDefault(baselineCol)).plus(known));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    List<String> names = List.of(schema.fieldNames());
    for (String required : List.of(getOrDefault(baselineCol), getOrDefault(residualPredictionCol))) {
      if (!names.contains(required)) {
        throw new IllegalArgumentException("Input column '" + required + "' is missing; columns present: " + names);
      }
    }
    if (names.contains(getOrDefault(predictionCol))) {
      throw new IllegalArgumentException("Output column '" + getOrDefault(predictionCol) + "' already exists");
    }
    return schema.add(getOrDefault(predictionCol), DataTypes.DoubleType, false);
  }

  @Override
  public PredictionCombiner copy(ParamMap extra) {
    return (PredictionCombiner) defaultCopy(extra);
  }

  public static MLReader<PredictionCombiner> read() {
    return new DefaultParamsReadable<PredictionCombiner>() {}.read();
  }
}

package io.nightjar.pipeline.stage;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What {@link BlendedAls} fits on, already indexed and compact: the ratings of each of its value columns as Spark
 * ALS's own {@link ALS.Rating}s, handed to ALS's training without a round trip through rows, and the same entries as
 * rows for the blend's per-id offsets.
 */
interface AlsInput {
  /** The session the ratings belong to. */
  SparkSession spark();

  /** The entries with value column {@code valueIndex} (of {@link BlendedAls#valueCols}) as the rating. */
  JavaRDD<ALS.Rating<Object>> ratings(int valueIndex);

  /** The entries as rows: user and item as ints, then the value columns as floats, named as the fit reads them. */
  Dataset<Row> rows();
}

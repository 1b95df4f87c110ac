package io.nightjar.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightjar.error.ModelException;
import io.nightjar.io.DriverParquet;
import io.nightjar.pipeline.stage.SavedParams;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * Spark's own stages with data, built as their {@code MLReadable} readers build them, but with data small enough for
 * the driver read there, with no Spark job ({@link DriverParquet}): an ALS model's factor tables and a string
 * indexer's labels. Spark's readers read the metadata with a job, infer each table's schema with another and, for the
 * indexer, collect the labels with a third; in a fresh JVM those small jobs cost seconds of a short predict run. The
 * saved params are parsed and applied by Spark's own code, as in {@link SavedParams}, and the objects are made with
 * the constructors Spark's readers call, so the stage is the one {@code PipelineModel.load} gives (
 * {@code PipelineLoaderTest} compares params and data). Anything this class does not recognise (a format of an older
 * Spark, data above {@link DriverParquet#MAX_BYTES}) is left to Spark's reader.
 */
final class DriverStages {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ALS = ALSModel.class.getName();
  private static final String INDEXER = StringIndexerModel.class.getName();

  private DriverStages() {}

  /** True for the classes this reader may build. */
  static boolean handles(String className) {
    return ALS.equals(className) || INDEXER.equals(className);
  }

  /**
   * The stage saved under {@code dir}, or empty when it is left to Spark's own reader.
   *
   * @throws ModelException when the saved metadata is malformed
   */
  static Optional<Transformer> load(String className, Path dir, Configuration conf) {
    SparkSession spark = SparkSession.active();
    if (ALS.equals(className)) {
      return als(spark, dir, conf);
    }
    if (INDEXER.equals(className)) {
      return indexer(spark, dir, conf);
    }
    return Optional.empty();
  }

  /** As Spark's ALSModel reader: the rank from the metadata, the two factor tables, the saved params. */
  private static Optional<Transformer> als(SparkSession spark, Path dir, Configuration conf) {
    Optional<Dataset<Row>> users = DriverParquet.read(spark, new Path(dir, "userFactors"), conf);
    Optional<Dataset<Row>> items = users.isEmpty() ? Optional.empty()
        : DriverParquet.read(spark, new Path(dir, "itemFactors"), conf);
    if (items.isEmpty()) {
      return Optional.empty();
    }
    DefaultParamsReader.Metadata metadata = SavedParams.metadata(dir, conf, ALS);
    JsonNode rank = json(metadata, dir).path("rank");
    if (!rank.isInt()) {
      throw new ModelException("the saved ALS model " + dir + " records no whole-number rank in its metadata; "
          + "retrain the model");
    }
    ALSModel model = new ALSModel(metadata.uid(), rank.asInt(), users.get(), items.get());
    metadata.getAndSetParams(model, Option.empty());
    return Optional.of(model);
  }

  /**
   * As Spark's StringIndexerModel reader for a model saved by Spark 3 or later: one row whose {@code labelsArray}
   * holds the labels of each input column. An older model (one {@code labels} array) is left to Spark's reader.
   */
  private static Optional<Transformer> indexer(SparkSession spark, Path dir, Configuration conf) {
    DefaultParamsReader.Metadata metadata = SavedParams.metadata(dir, conf, INDEXER);
    if (majorVersion(metadata.sparkVersion()) < 3) {
      return Optional.empty();
    }
    Optional<DriverParquet.Table> data = DriverParquet.rows(new Path(dir, "data"), conf, DriverParquet.MAX_BYTES);
    if (data.isEmpty() || data.get().schema().getFieldIndex("labelsArray").isEmpty()) {
      return Optional.empty();
    }
    List<Row> rows = data.get().rows();
    if (rows.isEmpty()) {
      throw new ModelException("the saved string indexer " + dir + " has no labels in its data; retrain the model");
    }
    // Spark's reader takes the first row (head()); the writer writes exactly one.
    List<?> columns = (List<?>) rows.get(0).get(data.get().schema().fieldIndex("labelsArray"));
    if (columns == null) {
      throw new ModelException("the saved string indexer " + dir + " has null labels in its data; retrain the model");
    }
    String[][] labels = new String[columns.size()][];
    for (int column = 0; column < labels.length; column++) {
      List<?> levels = (List<?>) columns.get(column);
      labels[column] = levels.toArray(String[]::new);
    }
    StringIndexerModel model = new StringIndexerModel(metadata.uid(), labels);
    metadata.getAndSetParams(model, Option.empty());
    return Optional.of(model);
  }

  private static JsonNode json(DefaultParamsReader.Metadata metadata, Path dir) {
    try {
      return JSON.readTree(metadata.metadataJson());
    } catch (java.io.IOException e) {
      throw new ModelException("the metadata of the saved stage " + dir + " is not JSON: " + e.getMessage(), e);
    }
  }

  /** The major version of a Spark version string ("4.1.0" gives 4); 0 when it does not start with a number. */
  static int majorVersion(String sparkVersion) {
    int end = 0;
    while (end < sparkVersion.length() && Character.isDigit(sparkVersion.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Integer.parseInt(sparkVersion.substring(0, Math.min(end, 9)));
  }
}

package io.nightjar.predict;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.nightjar.error.InputDataException;
import io.nightjar.error.JobSpecException;
import io.nightjar.error.ModelException;
import io.nightjar.io.BatchReader;
import io.nightjar.io.HadoopPaths;
import io.nightjar.io.PartitionedWriter;
import io.nightjar.pipeline.Columns;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.PredictSpec;
import io.nightjar.store.Manifest;
import io.nightjar.store.ModelStore;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Predict mode, end to end: saved model plus batch to partitioned scores. */
public final class Predictor {
  /** The column naming the model version that produced each score. */
  public static final String MODEL_VERSION = "model_version";

  private final SparkSession spark;

  public Predictor(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * Scores the batch.
   *
   * @param runDate the one partition to score, or empty for every partition
   * @param requestedVersion a model version, or empty for CURRENT
   */
  public PredictResult predict(JobSpec spec, Optional<LocalDate> runDate, Optional<String> requestedVersion) {
    PredictSpec settings = spec.predict();
    if (settings == null) {
      throw new JobSpecException("job '" + spec.name() + "' has no 'predict' section; add predict.input, "
          + "predict.output and predict.partition to score batches");
    }
    ModelStore store = ModelStore.open(spec.modelStore(), HadoopPaths.conf(spark));
    String version = store.resolve(requestedVersion);
    Manifest manifest = store.manifest(version);
    if (!spec.kind().specName().equals(manifest.kind())) {
      throw new ModelException(String.format("model version %s in %s is a %s model, but job '%s' is of kind %s",
          version, store.root(), manifest.kind(), spec.name(), spec.kind().specName()));
    }
    String job = "predict " + spec.name();
    spark.sparkContext().setJobDescription("nightjar " + job + ": load model " + version);
    PipelineModel model = load(store.pipelineDir(version));

    Dataset<Row> batch = BatchReader.read(spark, settings.input(), settings.partition(), runDate);
    requireColumns(batch, RequiredColumns.of(spec, manifest));

    List<Column> output = new ArrayList<>();
    for (String name : batch.columns()) {
      output.add(col("`" + name + "`"));
    }
    output.add(col(Columns.PREDICTION).cast("double").as(Columns.PREDICTION));
    output.add(lit(version).as(MODEL_VERSION));
    Dataset<Row> scored = model.transform(batch).select(output.toArray(Column[]::new));

    spark.sparkContext().setJobDescription("nightjar " + job + ": score and write");
    PartitionedWriter.write(scored, settings.outputPath(), settings.partition());

    spark.sparkContext().setJobDescription("nightjar " + job + ": count rows in and out");
    long rowsIn = batch.count();
    List<String> partitions = runDate.isPresent()
        ? List.of(runDate.get().toString())
        : distinctPartitions(batch, settings.partition());
    long rowsOut = countOutput(settings, partitions);
    if (rowsIn != rowsOut) {
      throw new IllegalStateException(String.format(
          "read %d rows but found %d in the output partitions %s under %s; the output is incomplete, rerun the date",
          rowsIn, rowsOut, partitions, settings.outputPath()));
    }
    return new PredictResult(version, partitions, rowsIn, rowsOut, settings.outputPath());
  }

  private static PipelineModel load(Path pipelineDir) {
    try {
      return PipelineModel.load(pipelineDir.toString());
    } catch (RuntimeException e) {
      throw new ModelException("cannot load the saved pipeline at " + pipelineDir + ": " + e.getMessage(), e);
    }
  }

  private static void requireColumns(Dataset<Row> batch, Collection<String> required) {
    List<String> present = List.of(batch.columns());
    List<String> missing = new ArrayList<>(required);
    missing.removeAll(present);
    if (!missing.isEmpty()) {
      throw new InputDataException(String.format(
          "the batch lacks the column(s) %s the model needs; columns present: %s", missing, present));
    }
    for (String name : present) {
      if (name.equals(Columns.PREDICTION) || name.equals(MODEL_VERSION) || name.startsWith(Columns.INTERNAL_PREFIX)) {
        throw new InputDataException(String.format(
            "the batch already has a column '%s', which predict writes itself; rename or drop it upstream", name));
      }
    }
  }

  private static List<String> distinctPartitions(Dataset<Row> batch, String partition) {
    List<String> values = new ArrayList<>();
    for (Row row : batch.select(partition).distinct().collectAsList()) {
      values.add(row.getString(0));
    }
    values.sort(null);
    return values;
  }

  private long countOutput(PredictSpec settings, List<String> partitions) {
    if (partitions.isEmpty()) {
      return 0;
    }
    Dataset<Row> written = spark.read().parquet(settings.outputPath());
    return written.where(col(settings.partition()).cast("string").isin(partitions.toArray())).count();
  }
}

package io.nightjar.recommend;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.nightjar.contract.InputContract;
import io.nightjar.error.InputDataException;
import io.nightjar.error.JobSpecException;
import io.nightjar.error.ModelException;
import io.nightjar.io.DatasetReader;
import io.nightjar.io.HadoopPaths;
import io.nightjar.io.PartitionedWriter;
import io.nightjar.predict.Predictor;
import io.nightjar.run.LockHolder;
import io.nightjar.run.OutputLayout;
import io.nightjar.run.Redaction;
import io.nightjar.run.RunLock;
import io.nightjar.session.SparkSessions;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.ModelKind;
import io.nightjar.spec.RecommendSpec;
import io.nightjar.store.Manifest;
import io.nightjar.store.ManifestSignature;
import io.nightjar.store.ModelStore;
import io.nightjar.store.ModelVerifier;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recommend mode, end to end: a verified saved ALS model to the top-K items per user, written as Parquet under
 * {@code <output>/<partition>=<run date>/}, with a run report and a completion marker, under the same lock and
 * marker discipline as predict. A rerun of a date replaces that date only (per-write dynamic partition overwrite).
 *
 * <p>Output columns: the job's user and item id columns (original ids, training types), {@code rank} (1 is best),
 * {@code prediction} (the rating the pipeline predicts for the pair), {@code model_version}, and the partition column.
 *
 * <p>Users: every user the model knows, or those listed in {@code recommend.users}. A listed user the model does not
 * know is counted and reported; with a bias stage the model still predicts a rating for them (global mean plus item
 * bias), so they get the items with the highest bias (a popularity baseline); without one (implicit models) they are
 * skipped. Seen items are the pairs of the job's training input ({@code input}) as it is now.
 */
public final class Recommender {
  private static final Logger LOG = LoggerFactory.getLogger(Recommender.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final SparkSession spark;
  private final Optional<ManifestSignature> signer;

  public Recommender(SparkSession spark) {
    this(spark, ManifestSignature.fromEnvironment());
  }

  /** With an explicit signature policy: empty means unsigned models are accepted. */
  public Recommender(SparkSession spark, Optional<ManifestSignature> signer) {
    this.spark = spark;
    this.signer = signer;
  }

  /**
   * Writes the recommendations of {@code runDate}.
   *
   * @param settings the job's {@code recommend} section, possibly with command-line changes
   * @param requestedVersion a model version, or empty for CURRENT
   */
  public RecommendResult recommend(JobSpec spec, RecommendSpec settings, LocalDate runDate,
      Optional<String> requestedVersion) {
    if (settings == null) {
      throw new JobSpecException("job '" + spec.name() + "' has no 'recommend' section; add recommend.output.path "
          + "(and optionally recommend.k, recommend.users) to write recommendations");
    }
    if (spec.kind() != ModelKind.ALS) {
      throw new JobSpecException("job '" + spec.name() + "' is of kind " + spec.kind().specName()
          + "; recommend works for als jobs only");
    }
    Instant started = Instant.now();
    String runId = started.toString().replace(":", "").replace("-", "") + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    Configuration conf = HadoopPaths.conf(spark);
    ModelStore store = ModelStore.open(spec.modelStore(), conf);
    String version = store.resolve(requestedVersion);
    Manifest manifest = ModelVerifier.verify(store, version, signer, spec.model(), spark.version());
    if (!spec.kind().specName().equals(manifest.kind())) {
      throw new ModelException(String.format("model version %s in %s is a %s model, but job '%s' is of kind %s",
          version, store.root(), manifest.kind(), spec.name(), spec.kind().specName()));
    }
    String partition = settings.partition();
    String date = runDate.toString();
    String userColumn = spec.alsColumns().user();
    String itemColumn = spec.alsColumns().item();
    OutputLayout out = new OutputLayout(settings.outputPath(), partition, conf);
    try (RunLock lock = RunLock.acquire(out.root(), partition, List.of(date), runId, conf)) {
      describe(spec, "load model " + version);
      RecommendModel model = RecommendModel.of(load(store.pipelineDir(version)), userColumn, itemColumn);
      Dataset<Row> training = null;
      if (settings.excludeSeen()) {
        training = DatasetReader.read(spark, spec.input(), "training input (the items users have seen)");
        requireColumns(training, "the training input " + Redaction.path(spec.input().path()), userColumn, itemColumn);
      }
      Dataset<Row> usersList = null;
      String usersColumn = settings.usersColumn() == null ? userColumn : settings.usersColumn();
      if (settings.users() != null) {
        usersList = DatasetReader.read(spark, settings.users(), "recommend.users input");
        requireColumns(usersList, "the users list " + Redaction.path(settings.users().path()), usersColumn);
      }
      DataType userType = idType(manifest, "user", training, userColumn);
      DataType itemType = idType(manifest, "item", training, itemColumn);
      out.prepare(List.of(date)).logTo(LOG);

      describe(spec, "index users and seen items");
      int tasks = spark.sparkContext().defaultParallelism();
      TopKRecommender.Recommendations recs = TopKRecommender.forPipeline(spark, model, userColumn, itemColumn,
          userType, itemType, training, usersList, usersColumn, settings.k(), tasks);
      TopKRecommender.UserCounts users = recs.users();
      if (users.unknown() > 0) {
        LOG.warn("{}: {} of {} listed users are unknown to model {}; {}", spec.name(), users.unknown(),
            users.requested(), version, users.unknownRecommended() ? "recommending the items with the highest bias"
                : "skipping them (the model has no bias stage)");
      }
      Dataset<Row> rows = recs.rows()
          .withColumn(Predictor.MODEL_VERSION, lit(version))
          .withColumn(partition, lit(date));
      if (tasks > settings.maxFilesPerPartition()) {
        rows = rows.repartition(settings.maxFilesPerPartition(), col(userColumn));
      }
      long expectedUsers = users.known() + (users.unknownRecommended() ? users.unknown() : 0);
      describe(spec, "score and write top-" + settings.k());
      lock.verifyHeld();
      try {
        if (expectedUsers == 0) {
          out.clearPartitions(List.of(date), true);
        } else {
          PartitionedWriter.write(rows, out.root().toString(), partition);
        }
      } finally {
        recs.release();
      }
      Written written = check(out, date, settings.k(), userColumn);
      Instant finished = Instant.now();
      long millis = finished.toEpochMilli() - started.toEpochMilli();
      RecommendReport report = new RecommendReport(runId, spec.name(), version,
          LockHolder.thisProcess(runId).host(), started.toString(), finished.toString(), millis,
          partition + "=" + date, settings.k(), settings.excludeSeen(),
          settings.users() == null ? null : Redaction.path(settings.users().path()),
          users.requested(), users.known(), users.unknown(), users.unknownRecommended() ? "baseline" : "skipped",
          users.invalid(), written.users(), written.rows(), written.files(), settings.maxFilesPerPartition(),
          millis == 0 ? 0.0 : users.requested() * 1000.0 / millis);
      lock.verifyHeld();
      writeJson(out.report(runId), report, conf);
      Map<String, Object> marker = new LinkedHashMap<>();
      marker.put("runId", runId);
      marker.put("modelVersion", version);
      marker.put("k", settings.k());
      marker.put("usersWritten", written.users());
      marker.put("rowsWritten", written.rows());
      marker.put("filesWritten", written.files());
      marker.put("finishedAt", report.finishedAt());
      out.writeMarker(date, marker);
      return new RecommendResult(report, Redaction.path(out.root().toString()));
    }
  }

  private record Written(long rows, long users, long files) {}

  /** Reads back what was written under the date: rows, users, files; fails on a non-finite score or a bad rank. */
  private Written check(OutputLayout out, String date, int k, String userColumn) {
    Path dir = out.partitionDir(date);
    Configuration conf = HadoopPaths.conf(spark);
    long files = 0;
    try {
      FileSystem fs = HadoopPaths.fileSystem(dir, conf);
      if (fs.exists(dir)) {
        for (FileStatus status : fs.listStatus(dir)) {
          String name = status.getPath().getName();
          if (status.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
            files++;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    if (files == 0) {
      return new Written(0, 0, 0);
    }
    Column p = col(TopKRecommender.PREDICTION);
    Column badScore = p.isNull().or(isnan(p)).or(p.equalTo(Double.POSITIVE_INFINITY))
        .or(p.equalTo(Double.NEGATIVE_INFINITY));
    Column r = col(TopKRecommender.RANK);
    Column badRank = r.isNull().or(r.lt(1)).or(r.gt(k));
    Row row = spark.read().parquet(dir.toString())
        .agg(count(lit(1)), countDistinct(col(userColumn)), sum(when(badScore, 1).otherwise(0)),
            sum(when(badRank, 1).otherwise(0)))
        .first();
    long rows = row.getLong(0);
    if (rows > 0 && (row.getLong(2) > 0 || row.getLong(3) > 0)) {
      throw new IllegalStateException(String.format("%s: %d non-finite predictions and %d ranks outside 1..%d were "
          + "written; this is a bug, please report it with the job spec", dir, row.getLong(2), row.getLong(3), k));
    }
    return new Written(rows, row.getLong(1), files);
  }

  /** The training type of an id column: from the manifest's input contract, else the input, else string. */
  private static DataType idType(Manifest manifest, String role, Dataset<Row> training, String column) {
    InputContract contract = manifest.contract();
    if (contract != null) {
      for (InputContract.ColumnContract c : contract.columns()) {
        if (role.equals(c.role()) && column.equals(c.name())) {
          return StructType.fromDDL("x " + c.type()).fields()[0].dataType();
        }
      }
    }
    return training != null ? training.schema().apply(column).dataType() : DataTypes.StringType;
  }

  private static void requireColumns(Dataset<Row> data, String what, String... columns) {
    List<String> present = List.of(data.columns());
    for (String column : columns) {
      if (!present.contains(column)) {
        throw new InputDataException(String.format("%s has no column '%s'; columns present: %s. Fix the data, or "
            + "point the job spec at the right column", what, column, present));
      }
    }
  }

  private static PipelineModel load(Path pipelineDir) {
    try {
      return PipelineModel.load(pipelineDir.toString());
    } catch (RuntimeException e) {
      throw new ModelException("cannot load the saved pipeline at " + pipelineDir + ": " + e.getMessage(), e);
    }
  }

  private void describe(JobSpec spec, String phase) {
    SparkSessions.describePhase(spark, "recommend " + spec.name(), phase);
  }

  private static void writeJson(Path file, Object value, Configuration conf) {
    try (OutputStream stream = HadoopPaths.fileSystem(file, conf).create(file, true)) {
      JSON.writeValue(stream, value);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}

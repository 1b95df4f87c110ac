package io.nightjar.predict;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.nightjar.contract.ContractCheck;
import io.nightjar.contract.RowRules;
import io.nightjar.error.InputDataException;
import io.nightjar.error.JobSpecException;
import io.nightjar.error.ModelException;
import io.nightjar.io.BatchReader;
import io.nightjar.io.HadoopPaths;
import io.nightjar.io.PartitionedWriter;
import io.nightjar.pipeline.ColdStartCounts;
import io.nightjar.pipeline.Columns;
import io.nightjar.pipeline.ElasticNetPipeline;
import io.nightjar.run.LockHolder;
import io.nightjar.run.OutputLayout;
import io.nightjar.run.Redaction;
import io.nightjar.run.RunLock;
import io.nightjar.run.RunReport;
import io.nightjar.score.Scorer;
import io.nightjar.score.Scorers;
import io.nightjar.session.InterpretedMode;
import io.nightjar.session.SparkSessions;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.ModelKind;
import io.nightjar.spec.PredictSpec;
import io.nightjar.spec.ScoringMode;
import io.nightjar.store.Manifest;
import io.nightjar.store.ManifestSignature;
import io.nightjar.store.ModelStore;
import io.nightjar.store.ModelVerifier;
import io.nightjar.store.PipelineLoader;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Predict mode, end to end: a verified saved model plus a batch to partitioned scores, rejected rows, a run report
 * and completion markers. Rows in = rows scored + rows rejected, checked on what was written.
 */
public final class Predictor {
  /** The column naming the model version that produced each score. */
  public static final String MODEL_VERSION = "model_version";

  private static final Logger LOG = LoggerFactory.getLogger(Predictor.class);

  private final SparkSession spark;
  private final Optional<ManifestSignature> signer;
  private final long interpretedBatchBytes;

  /**
   * Batches up to this size (bytes of the data files in their partition directories; about 25,000 rows of 22
   * columns) are scored with Spark SQL interpreted ({@link InterpretedMode}): compiling generated code would cost
   * more than it saves. The gain was measured on a one-row batch (StartupBench and alternating runs, in
   * BENCHMARKS.md); the 4 MiB bound itself is a judgement, not a measured break-even.
   */
  static final long INTERPRETED_BATCH_BYTES = 4L << 20;

  public Predictor(SparkSession spark) {
    this(spark, ManifestSignature.fromEnvironment());
  }

  /** With an explicit signature policy: empty means unsigned models are accepted. */
  public Predictor(SparkSession spark, Optional<ManifestSignature> signer) {
    this(spark, signer, INTERPRETED_BATCH_BYTES);
  }

  /**
   * With an explicit signature policy and the batch size (bytes of its data files) up to which the batch is scored
   * with Spark SQL interpreted; -1 for never, and then an ElasticNet model loads with code generation too.
   */
  public Predictor(SparkSession spark, Optional<ManifestSignature> signer, long interpretedBatchBytes) {
    this.spark = spark;
    this.signer = signer;
    this.interpretedBatchBytes = interpretedBatchBytes;
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
    Instant started = Instant.now();
    String runId = started.toString().replace(":", "").replace("-", "") + "-"
        + UUID.randomUUID().toString().substring(0, 8);
    PhaseTimer timer = new PhaseTimer();
    timer.start("verify model");
    ModelStore store = ModelStore.open(spec.modelStore(), HadoopPaths.conf(spark));
    String version = store.resolve(requestedVersion);
    Manifest manifest = ModelVerifier.verify(store, version, signer, spec.model(), spark.version());
    if (!spec.kind().specName().equals(manifest.kind())) {
      throw new ModelException(String.format("model version %s in %s is a %s model, but job '%s' is of kind %s",
          version, store.root(), manifest.kind(), spec.name(), spec.kind().specName()));
    }
    // The verified model loads beside the listing, locking, reading and checking of the batch: its small Spark jobs
    // and the batch's are mostly start-up costs of a fresh JVM, and two of them overlap well. When the manifest
    // holds the compiled scorer, the scoring pass overlaps the load too, and waits for it only before publishing. An ElasticNet
    // pipeline's jobs read a few rows each and run interpreted; whether the scoring does is decided once the batch's
    // size is known.
    InterpretedMode interpreted = InterpretedMode.of(spark);
    interpreted.set(interpretedBatchBytes >= 0 && spec.kind() == ModelKind.ELASTICNET);
    describe(spec, "load model " + version);
    ModelLoading loading = new ModelLoading(spark.sparkContext(),
        () -> Scorers.forModel(load(store.pipelineDir(version)), settings.scoring()));
    Optional<Scorer> early = fromManifest(settings, manifest, version);
    try {
      return predict(spec, runDate, settings, version, manifest, loading, early, interpreted, started, runId, timer);
    } finally {
      loading.close();
      interpreted.close();
    }
  }

  private PredictResult predict(JobSpec spec, Optional<LocalDate> runDate, PredictSpec settings, String version,
      Manifest manifest, ModelLoading loading, Optional<Scorer> early, InterpretedMode interpreted, Instant started,
      String runId, PhaseTimer timer) {
    timer.start("list partitions and lock");
    describe(spec, "list partitions");
    List<String> dates = BatchReader.partitionsToScore(spark, settings.input(), settings.partition(), runDate);
    OutputLayout out = new OutputLayout(settings.outputPath(), settings.partition(), HadoopPaths.conf(spark));
    try (RunLock lock = RunLock.acquire(out.root(), settings.partition(), dates, runId, HadoopPaths.conf(spark))) {
      timer.start("read batch and check contract");
      describe(spec, "read batch");
      BatchReader.BatchInput batch = BatchReader.read(spark, settings.input(), settings.partition(), dates);
      if (batch.data() != null) {
        // Checked before anything under the output changes: a batch of the wrong shape leaves it as it was.
        if (manifest.contract() != null) {
          ContractCheck.check(batch.data().schema(), manifest.contract(),
              "under " + Redaction.path(settings.input().path()));
        }
        requireNoReservedColumns(batch.data());
        requireOutputColumns(batch.data(), settings);
      }
      interpreted.set(batch.bytes() <= interpretedBatchBytes);
      if (interpreted.isOn()) {
        LOG.info("small batch ({} bytes): scored with Spark SQL interpreted, no code compiled", batch.bytes());
      }
      Scorer scorer;
      Runnable confirm;
      if (early.isPresent()) {
        // Scored with the manifest's scorer while the pipeline loads; published only once the loaded pipeline is
        // known to compile to the same scorer.
        scorer = early.get();
        confirm = () -> {
          timer.start("wait for the model");
          requireSameScorer(loading.get(), scorer, version);
          timer.record("load model", loading.millis());
        };
      } else {
        timer.start("wait for the model");
        scorer = loading.get();
        timer.record("load model", loading.millis());
        confirm = () -> { };
      }
      out.prepare(dates).logTo(LOG);
      RunReport report = score(spec, scorer, confirm, manifest, version, batch, dates, out, lock, runId, started,
          timer);
      lock.verifyHeld();
      out.writeReport(report);
      for (RunReport.PartitionReport partition : report.partitions()) {
        Map<String, Object> marker = new LinkedHashMap<>();
        marker.put("runId", runId);
        marker.put("modelVersion", version);
        marker.put("rowsRead", partition.rowsRead());
        marker.put("rowsScored", partition.rowsScored());
        marker.put("rowsRejected", partition.rowsRejected());
        marker.put("filesWritten", partition.filesWritten());
        marker.put("finishedAt", report.finishedAt());
        out.writeMarker(partition.value(), marker);
      }
      return new PredictResult(report, Redaction.path(out.root().toString()));
    }
  }

  /** Scores and publishes; {@code confirm} runs before anything is published, and fails to stop it. */
  private RunReport score(JobSpec spec, Scorer scorer, Runnable confirm, Manifest manifest, String version,
      BatchReader.BatchInput batch, List<String> dates, OutputLayout out, RunLock lock, String runId,
      Instant started, PhaseTimer timer) {
    PredictSpec settings = spec.predict();
    String partition = settings.partition();
    out.clearPartitions(batch.empty(), true);
    out.clearPartitions(batch.withData(), false);
    Map<String, Long> read = new TreeMap<>();
    Map<String, WrittenFiles.Counts> scored = new TreeMap<>();
    Map<String, Map<String, Long>> rejected = new TreeMap<>();
    Map<String, Long> coldStart = new java.util.LinkedHashMap<>();
    if (batch.data() != null) {
      Path staging = out.staging(runId);
      try {
        scoreStaged(spec, scorer, manifest, version, batch, out, staging, lock, timer, read, scored, rejected,
            coldStart);
        confirm.run();
        // Nothing is published before every check above has passed.
        timer.start("publish");
        lock.verifyHeld();
        out.publish(staging, batch.withData());
      } finally {
        out.removeStaging(staging);
      }
    } else {
      confirm.run();
    }
    List<RunReport.PartitionReport> partitions = new ArrayList<>();
    for (String date : dates) {
      long in = read.getOrDefault(date, 0L);
      WrittenFiles.Counts ok = scored.getOrDefault(date, WrittenFiles.Counts.NONE);
      Map<String, Long> bad = rejected.getOrDefault(date, Map.of());
      long badRows = bad.values().stream().mapToLong(Long::longValue).sum();
      partitions.add(new RunReport.PartitionReport(date, in, ok.rows(), badRows, bad, ok.files()));
    }
    timer.stop();
    Instant finished = Instant.now();
    return new RunReport(runId, spec.name(), version, LockHolder.thisProcess(runId).host(), started.toString(),
        finished.toString(), finished.toEpochMilli() - started.toEpochMilli(), partitions,
        partitions.stream().mapToLong(RunReport.PartitionReport::rowsRead).sum(),
        partitions.stream().mapToLong(RunReport.PartitionReport::rowsScored).sum(),
        partitions.stream().mapToLong(RunReport.PartitionReport::rowsRejected).sum(),
        byReason(rejected), Redaction.path(out.rejectedRoot().toString()), timer.millis(),
        coldStart.isEmpty() ? null : coldStart, scorer.method());
  }

  /**
   * One pass over the batch: reject rules, scoring and the write of the scores to {@code staging} (for ALS, with its
   * cold-start cases, the rows and the non-finite scores observed on the way). Rows read and scored are then counted
   * from Parquet footers (input and written files) without reading data, and the written footers' statistics show
   * the scores finite; only when they cannot are the written scores read back and counted, and only when the counts
   * differ is the batch read again, to write the rejected rows. Fills {@code read}, {@code scored} and
   * {@code rejected}, and fails unless every row is accounted for, every score is finite and the rejected share is
   * allowed.
   */
  private void scoreStaged(JobSpec spec, Scorer scorer, Manifest manifest, String version,
      BatchReader.BatchInput batch, OutputLayout out, Path staging, RunLock lock, PhaseTimer timer,
      Map<String, Long> read, Map<String, WrittenFiles.Counts> scored, Map<String, Map<String, Long>> rejected,
      Map<String, Long> coldStart) {
    PredictSpec settings = spec.predict();
    String partition = settings.partition();
    Configuration conf = HadoopPaths.conf(spark);
    Dataset<Row> data = batch.data();
    RowRules rules = RejectRules.of(spec, manifest);

    timer.start("score and write");
    describe(spec, "score and write");
    Dataset<Row> valid = data.where(not(rules.anyFails()));
    List<String> named = settings.outputColumns();
    List<String> batchColumns = List.of(data.columns());
    Observation passed = null;
    Dataset<Row> unsplit = scorer.score(valid);
    if (GeneratedCode.mayBeInterpreted(
        unsplit.select(outputColumns(named, batchColumns, partition, unsplit.columns(), version, false)))) {
      // Spark would generate one method for reading, checking, scoring and writing each row, too large for the JVM
      // to compile (or not measurable before the run): the pass would run several times slower. An
      // observation here, counting the rows that pass the rules, splits it in two (reading and checking; scoring
      // and writing). When the method is small enough, one stage is cheaper: no row is copied in between.
      passed = new Observation("nightjar-passed-" + UUID.randomUUID());
      valid = valid.observe(passed, count(lit(1)).as("rows"));
    }
    Dataset<Row> transformed = passed == null ? unsplit : scorer.score(valid);
    // ALS: how many rows took the cold-start path is counted with the scores; the flag itself is not written.
    boolean coldStartCounted = List.of(transformed.columns()).contains(Columns.COLD_START);
    Dataset<Row> scores = transformed.select(outputColumns(named, batchColumns, partition, transformed.columns(),
        version, coldStartCounted));
    if (settings.filesPerPartition() > 0) {
      scores = spread(scores, manifest, partition, settings.filesPerPartition(), batch.withData().size());
    }
    List<String> continuousScores = continuousScores(scores.columns());
    Observation observation = null;
    if (coldStartCounted) {
      // Observed in the write's own (final) stage: exact, and no extra pass. Only ALS has cases to count; the rows
      // and the scores' finiteness come with them. Otherwise the written footers tell both, below, and the pass
      // has no observation to update for every row.
      List<Column> counts = new ArrayList<>(List.of(coalesce(sum(when(notFinite(continuousScores), 1L)
          .otherwise(0L)), lit(0L)).as("notFinite")));
      counts.addAll(ColdStartCounts.byCase());
      observation = new Observation("nightjar-scores-" + UUID.randomUUID());
      scores = scores.observe(observation, count(lit(1)).as("rows"), counts.toArray(Column[]::new))
          .drop(Columns.COLD_START);
    }
    // The batch's footers, read before the write: its rows per date, and which of its columns no file stores with a
    // dictionary. Those are copied without one too: Parquet would otherwise try a dictionary on every column chunk
    // (hashing every value of a continuous column) only to give it up, as the batch's own writer did.
    WrittenFiles.Summary input = inputFooters(batch, settings, partition, conf);
    List<String> plain = new ArrayList<>();
    for (String name : scores.columns()) {
      if (continuousScores.contains(name) || (!name.equals(partition) && input.withoutDictionary().contains(name))) {
        plain.add(name);
      }
    }
    lock.verifyHeld();
    PartitionedWriter.writeNew(scores, staging.toString(), partition, plain);
    Map<String, Object> metrics = observation == null ? Map.of() : observed(observation);
    if (coldStartCounted) {
      ColdStartCounts.CASES.forEach(name -> coldStart.put(name, ((Number) metrics.get(name)).longValue()));
    }

    timer.start("count rows from footers");
    WrittenFiles.Written written = WrittenFiles.underRoot(staging, partition,
        observation == null ? Set.copyOf(continuousScores) : Set.of(), conf);
    scored.putAll(written.counts());
    if (input.counts() != null) {
      input.counts().forEach((value, c) -> read.put(value, c.rows()));
    } else {
      // A text batch: its rows per date counted after the scoring pass, as their own job.
      describe(spec, "count rows read");
      for (Row row : data.groupBy(partition).count().collectAsList()) {
        read.put(row.getString(0), row.getLong(1));
      }
    }
    long notFiniteScores;
    if (observation != null) {
      notFiniteScores = ((Number) metrics.get("notFinite")).longValue();
    } else if (written.notShownFinite().isEmpty()) {
      notFiniteScores = 0;
    } else {
      // The footers leave a non-finite score possible (or their writer kept no statistics): count the written ones.
      timer.start("count scores that are not finite");
      describe(spec, "count scores that are not finite");
      notFiniteScores = countNotFinite(staging, scores.schema(), written.notShownFinite(), partition);
    }
    if (notFiniteScores > 0) {
      throw new IllegalStateException(String.format("%d scores are not finite; nothing was published. This is a bug,"
          + " please report it with the job spec", notFiniteScores));
    }
    long writtenRows = scored.values().stream().mapToLong(WrittenFiles.Counts::rows).sum();
    long scoredRows = writtenRows;
    if (observation != null) {
      scoredRows = ((Number) metrics.get("rows")).longValue();
      if (scoredRows != writtenRows) {
        throw new IllegalStateException(String.format("%d rows were scored but the files written hold %d; nothing "
            + "was published, rerun the dates", scoredRows, writtenRows));
      }
    }
    long passedRows = passed == null ? scoredRows : ((Number) observed(passed).get("rows")).longValue();
    if (passedRows != scoredRows) {
      throw new IllegalStateException(observation != null
          ? String.format("%d rows passed the reject rules but %d were scored; nothing was published. This is a bug, "
              + "please report it with the job spec", passedRows, scoredRows)
          : String.format("%d rows passed the reject rules but the files written hold %d; nothing was published, "
              + "rerun the dates", passedRows, writtenRows));
    }
    long rowsRead = read.values().stream().mapToLong(Long::longValue).sum();
    if (rowsRead != writtenRows) {
      // Some rows were not scored: a second pass writes them with their reasons.
      timer.start("write rejected rows");
      describe(spec, "write rejected rows");
      PartitionedWriter.write(data.where(rules.anyFails()).withColumn(RowRules.REJECT_REASON, rules.reason()),
          out.rejectedRoot().toString(), partition);
      timer.start("count rejected rows");
      rejected.putAll(countRejected(out, partition, batch.withData()));
    }
    long rowsRejected = total(rejected);
    if (rowsRead > 0 && (double) rowsRejected / rowsRead > spec.maxRejectedFraction()) {
      throw new InputDataException(String.format(
          "%d of %d batch rows cannot be scored (%s), more than maxRejectedFraction %s allows; nothing was scored."
              + " The rejected rows are under %s for inspection", rowsRejected, rowsRead, byReason(rejected),
          spec.maxRejectedFraction(), Redaction.path(out.rejectedRoot().toString())));
    }
    for (String date : batch.withData()) {
      long in = read.getOrDefault(date, 0L);
      long ok = scored.getOrDefault(date, WrittenFiles.Counts.NONE).rows();
      long bad = rejected.getOrDefault(date, Map.of()).values().stream().mapToLong(Long::longValue).sum();
      if (in != ok + bad) {
        throw new IllegalStateException(String.format("partition %s=%s: read %d rows but wrote %d scored and %d "
            + "rejected; nothing was published, rerun the date", partition, date, in, ok, bad));
      }
    }
  }

  /**
   * The written columns: the batch columns {@code predict.output.columns} names ({@code named}; all, when it names
   * none), then the scorer's other columns (the scores, and the partition; its cold-start flag only when
   * {@code coldStart}), then the model version.
   */
  private static Column[] outputColumns(List<String> named, List<String> batchColumns, String partition,
      String[] transformed, String version, boolean coldStart) {
    List<Column> output = new ArrayList<>();
    named.forEach(name -> output.add(col(Columns.quoted(name))));
    for (String name : transformed) {
      boolean decidedAbove = !named.isEmpty() && batchColumns.contains(name) && !name.equals(partition);
      if ((coldStart || !name.equals(Columns.COLD_START)) && !decidedAbove) {
        output.add(col(Columns.quoted(name)));
      }
    }
    output.add(lit(version).as(MODEL_VERSION));
    return output.toArray(Column[]::new);
  }

  /**
   * Shuffles the scores so each partition value is written by at most {@code files} tasks, hence in at most that
   * many files: rows are keyed by (partition value, a hash of the row's scored columns modulo {@code files}).
   */
  private static Dataset<Row> spread(Dataset<Row> scores, Manifest manifest, String partition, int files,
      int values) {
    List<Column> hashed = new ArrayList<>();
    hashed.add(col(Columns.PREDICTION));
    List<String> written = List.of(scores.columns());
    if (manifest.contract() != null) {
      manifest.contract().columns().stream().filter(c -> written.contains(c.name()))
          .forEach(c -> hashed.add(col(Columns.quoted(c.name()))));
    }
    Column salt = pmod(xxhash64(hashed.toArray(Column[]::new)), lit((long) files));
    int tasks = (int) Math.max(1, Math.min(100_000L, (long) files * values));
    return scores.repartition(tasks, col(partition), salt);
  }

  /**
   * Rows read per partition value and the columns stored without a dictionary. For Parquet, from the footers of the
   * files Spark reads, so no pass over the data. For text formats, no counts (null: the caller counts the rows after the
   * scoring pass) and no column without a dictionary.
   */
  private WrittenFiles.Summary inputFooters(BatchReader.BatchInput batch, PredictSpec settings, String partition,
      Configuration conf) {
    if ("parquet".equals(settings.input().format())) {
      List<Path> files = new ArrayList<>();
      for (String file : batch.data().inputFiles()) {
        files.add(new Path(file));
      }
      return WrittenFiles.summary(files, partition, conf);
    }
    return new WrittenFiles.Summary(null, java.util.Set.of());
  }

  /**
   * The scorer the manifest describes, to score with while the pipeline loads; empty when predict waits for the
   * pipeline instead: an ALS model, {@code predict.scoring: spark}, a version saved before manifests held a scorer, or
   * one this release cannot read (logged).
   */
  private static Optional<Scorer> fromManifest(PredictSpec settings, Manifest manifest, String version) {
    if (settings.scoring() != ScoringMode.COMPILED || manifest.compiledScorer().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Scorers.fromParameters(manifest.compiledScorer().get()));
    } catch (IllegalArgumentException e) {
      LOG.warn("model version {}: the scorer in its manifest cannot be read ({}); scoring waits for the saved pipeline",
          version, e.getMessage());
      return Optional.empty();
    }
  }

  /** The pipeline as loaded compiles to the scorer the run scored with; else nothing may be published. */
  private static void requireSameScorer(Scorer loaded, Scorer used, String version) {
    if (!loaded.parameters().isPresent() || !loaded.parameters().equals(used.parameters())) {
      throw new ModelException(String.format("model version %s: the scorer its manifest describes is not the one its "
          + "saved pipeline compiles to (%s), so nothing was published. Retrain the model, or set predict.scoring: "
          + "spark to score with the pipeline alone", version,
          loaded.parameters().isPresent() ? "their parameters differ" : "the pipeline scores with " + loaded.method()));
    }
  }

  private void describe(JobSpec spec, String phase) {
    SparkSessions.describePhase(spark, "predict " + spec.name(), phase);
  }

  private PipelineModel load(Path pipelineDir) {
    try {
      return PipelineLoader.load(pipelineDir, HadoopPaths.conf(spark));
    } catch (ModelException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ModelException("cannot load the saved pipeline at " + pipelineDir + ": " + e.getMessage(), e);
    }
  }


  /** Every column {@code predict.output.columns} names is in the batch. */
  private static void requireOutputColumns(Dataset<Row> batch, PredictSpec settings) {
    List<String> present = List.of(batch.columns());
    for (String name : settings.outputColumns()) {
      if (!present.contains(name)) {
        throw new JobSpecException(String.format("predict.output.columns names '%s', which the batch under %s does "
            + "not have; its columns are %s. Fix the name or remove it from the list", name,
            Redaction.path(settings.input().path()), present));
      }
    }
  }

  private static void requireNoReservedColumns(Dataset<Row> batch) {
    for (String name : batch.columns()) {
      if (name.equals(Columns.PREDICTION) || name.equals(MODEL_VERSION) || name.equals(RowRules.REJECT_REASON)
          || name.startsWith(Columns.INTERNAL_PREFIX)) {
        throw new InputDataException(String.format(
            "the batch already has a column '%s', which predict writes itself; rename or drop it upstream", name));
      }
    }
  }

  private Map<String, Map<String, Long>> countRejected(OutputLayout out, String partition, List<String> dates) {
    Map<String, Map<String, Long>> counts = new TreeMap<>();
    for (Row row : readWritten(out.rejectedRoot(), partition, dates)
        .groupBy(col(partition).cast("string"), col(RowRules.REJECT_REASON)).count().collectAsList()) {
      counts.computeIfAbsent(row.getString(0), k -> new TreeMap<>()).put(row.getString(1), row.getLong(2));
    }
    return counts;
  }

  private Dataset<Row> readWritten(Path root, String partition, List<String> dates) {
    List<String> dirs = new ArrayList<>();
    for (String date : dates) {
      Path dir = new Path(root, partition + "=" + date);
      if (HadoopPaths.exists(dir, HadoopPaths.conf(spark))) {
        dirs.add(dir.toString());
      }
    }
    if (dirs.isEmpty()) {
      return spark.emptyDataFrame().withColumn(partition, lit(null).cast("string"))
          .withColumn(RowRules.REJECT_REASON, lit(null).cast("string"))
          .withColumn(Columns.PREDICTION, lit(null).cast("double"));
    }
    return spark.read().option("basePath", root.toString()).parquet(dirs.toArray(String[]::new));
  }

  /** The written score columns that must be finite: the prediction and, for a binomial model, the probability. */
  private static List<String> continuousScores(String[] columns) {
    List<String> names = List.of(columns);
    return java.util.stream.Stream.of(Columns.PREDICTION, ElasticNetPipeline.PROBABILITY).filter(names::contains)
        .toList();
  }

  /** The rows written under {@code staging} where any of {@code columns} is not finite. */
  private long countNotFinite(Path staging, StructType schema, Set<String> columns, String partition) {
    StructType read = new StructType();
    for (String name : columns) {
      read = read.add(schema.apply(name));
    }
    // With the schema given, no job runs to infer it.
    return spark.read().schema(read.add(schema.apply(partition))).parquet(staging.toString())
        .where(notFinite(List.copyOf(columns))).count();
  }

  /** True for a row where any of {@code columns} is null, NaN or infinite. */
  private static Column notFinite(List<String> columns) {
    Column any = lit(false);
    for (String name : columns) {
      Column c = col(Columns.quoted(name));
      any = any.or(c.isNull()).or(isnan(c)).or(c.equalTo(Double.POSITIVE_INFINITY))
          .or(c.equalTo(Double.NEGATIVE_INFINITY));
    }
    return any;
  }

  private static Map<String, Object> observed(Observation observation) {
    try {
      return observation.getAsJava();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while collecting the scoring metrics", e);
    }
  }

  private static long total(Map<String, Map<String, Long>> byPartition) {
    return byPartition.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
  }

  private static Map<String, Long> byReason(Map<String, Map<String, Long>> byPartition) {
    Map<String, Long> totals = new TreeMap<>();
    byPartition.values().forEach(m -> m.forEach((reason, n) -> totals.merge(reason, n, Long::sum)));
    return totals;
  }
}

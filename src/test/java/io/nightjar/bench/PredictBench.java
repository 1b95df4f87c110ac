package io.nightjar.bench;

import static io.nightjar.bench.BenchSupport.median;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;

import io.nightjar.io.PartitionedWriter;
import io.nightjar.predict.Predictor;
import io.nightjar.run.RunReport;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.JobSpecLoader;
import io.nightjar.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StructType;

/**
 * Predict at the I/O floor: for each batch size, the plain-Spark floor (read the Parquet batch, write it back
 * unchanged partitioned by ds, same session) against a full Nightjar predict run of the same batch through the real
 * {@link Predictor} (verify and load the model, contract check, reject rules, score, write, count, report, markers),
 * run in an order that rotates with each repetition, each after its output is deleted and the written files flushed,
 * so all share the noise of the shared cores and none pays for the write-back of another. When the batch has
 * floating-point columns, a second baseline copies it with those columns written without a dictionary, as predict
 * writes the columns a batch stores without one. Then the per-row cost at the largest size against the smallest, and
 * ALS pair scoring against the same floor.
 *
 * <pre>
 * scripts/benchmark.sh PredictBench [ROWS ...] [--reps=N] [--als=ROWS] [--files-per-partition=N] [--profile]
 *     [--decompose] [--output-columns=A,B]
 * </pre>
 *
 * <p>Defaults: one size of 1,000,000 rows, 2 repetitions, no ALS. {@code --profile} prints the Spark jobs of the last
 * Nightjar run with their wall time, by the phase label each job carries. {@code --decompose} times single passes
 * over the batch (floor; floor plus reject rules and observed metrics; the model's transform; the compiled scorer)
 * to show what costs. {@code --output-columns} sets {@code predict.output.columns} for the ElasticNet runs (the floor
 * still copies every column).
 */
public final class PredictBench {
  private static final long SEED = 7;

  private PredictBench() {}

  public static void main(String[] args) throws Exception {
    List<Long> sizes = new ArrayList<>();
    int reps = 2;
    long alsRows = 0;
    Integer filesPerPartition = null;
    String outputColumns = null;
    boolean profile = false;
    boolean decompose = false;
    for (String arg : args) {
      if (arg.equals("--decompose")) {
        decompose = true;
        continue;
      }
      if (arg.startsWith("--reps=")) {
        reps = Integer.parseInt(arg.substring(7));
      } else if (arg.startsWith("--als=")) {
        alsRows = Long.parseLong(arg.substring(6).replace("_", ""));
      } else if (arg.startsWith("--output-columns=")) {
        outputColumns = arg.substring("--output-columns=".length());
      } else if (arg.startsWith("--files-per-partition=")) {
        filesPerPartition = Integer.parseInt(arg.substring(22));
      } else if (arg.equals("--profile")) {
        profile = true;
      } else {
        sizes.add(Long.parseLong(arg.replace("_", "")));
      }
    }
    if (sizes.isEmpty() && alsRows == 0) {
      sizes.add(1_000_000L);
    }
    System.out.println(BenchSupport.machine());
    SparkSession spark = session();
    JobProfiler profiler = new JobProfiler();
    spark.sparkContext().addSparkListener(profiler);
    Path bench = BenchSupport.benchDir();
    try {
      JobSpec tabular = trainTabular(spark, bench);
      Map<Long, double[]> perRow = new TreeMap<>();
      for (long rows : sizes) {
        Path batch = TabularBatches.ensure(spark, bench.resolve("tabular-" + rows), rows, SEED);
        JobSpec job = predictJob(tabular, batch, bench.resolve("out/predict-" + rows), filesPerPartition,
            outputColumns);
        String label = "elasticnet " + rows + (outputColumns == null ? "" : " (output.columns " + outputColumns + ")");
        perRow.put(rows, compare(spark, label, rows, batch, job, reps, profile ? profiler : null));
        if (decompose) {
          decompose(spark, "elasticnet " + rows, batch, tabular, reps);
        }
      }
      if (perRow.size() > 1) {
        long small = Collections.min(perRow.keySet());
        long large = Collections.max(perRow.keySet());
        double nightjarSmall = perRow.get(small)[1] / small;
        double nightjarLarge = perRow.get(large)[1] / large;
        double floorSmall = perRow.get(small)[0] / small;
        double floorLarge = perRow.get(large)[0] / large;
        System.out.println(BenchSupport.ratio(String.format(Locale.ROOT, "predict us/row at %,d vs %,d", large, small),
            nightjarLarge * 1e6, nightjarSmall * 1e6, "us"));
        System.out.println(BenchSupport.ratio(String.format(Locale.ROOT, "floor us/row at %,d vs %,d", large, small),
            floorLarge * 1e6, floorSmall * 1e6, "us"));
      }
      if (alsRows > 0) {
        JobSpec als = trainAls(spark, bench, alsRows);
        Path pairs = alsPairs(spark, bench, alsRows);
        JobSpec job = predictJob(als, pairs, bench.resolve("out/als-" + alsRows), filesPerPartition, null);
        compare(spark, "als pairs " + alsRows, alsRows, pairs, job, reps, profile ? profiler : null);
        if (decompose) {
          decompose(spark, "als pairs " + alsRows, pairs, als, reps);
        }
      }
    } finally {
      spark.stop();
    }
  }

  /** Like the job's embedded default environment: every core, 8 shuffle partitions, no UI. */
  static SparkSession session() {
    SparkSession spark = BenchSupport.localSession("PredictBench");
    spark.conf().set("spark.sql.shuffle.partitions", "8");
    return spark;
  }

  /**
   * Floor, the floor without dictionaries (when the batch has floating-point columns) and Nightjar, in an order that
   * rotates with each repetition so that none always runs first or after the same one; before each timed run its
   * output is deleted and written files are flushed. Prints each run and the medians; returns {floor, nightjar}
   * median seconds.
   */
  private static double[] compare(SparkSession spark, String label, long rows, Path batch, JobSpec job, int reps,
      JobProfiler profiler) {
    Path floorOut = BenchSupport.benchDir().resolve("out/floor-" + rows);
    Path plainFloorOut = BenchSupport.benchDir().resolve("out/floor-plain-" + rows);
    Path out = Path.of(job.predict().outputPath());
    List<String> continuous = continuousColumns(spark, batch);
    RunReport[] last = new RunReport[1];
    Map<String, Runnable> runs = new LinkedHashMap<>();
    Map<String, Path> outputs = Map.of("floor", floorOut, "floor without dictionaries", plainFloorOut, "nightjar", out);
    runs.put("floor", () -> spark.read().parquet(batch.toString()).write().mode(SaveMode.Overwrite)
        .partitionBy("ds").parquet(floorOut.toString()));
    if (!continuous.isEmpty()) {
      // The second baseline: the same copy, its continuous columns written without a dictionary as predict does.
      runs.put("floor without dictionaries", () -> PartitionedWriter.writeNew(spark.read().parquet(batch.toString()),
          plainFloorOut.toString(), "ds", continuous));
    }
    runs.put("nightjar", () -> {
      if (profiler != null) {
        profiler.reset();
      }
      last[0] = new Predictor(spark, Optional.empty()).predict(job, Optional.empty(), Optional.empty()).report();
      if (last[0].rowsRead() != rows || last[0].rowsScored() + last[0].rowsRejected() != rows) {
        throw new IllegalStateException("predict accounted for " + last[0].rowsRead() + " rows, expected " + rows);
      }
    });
    List<String> names = new ArrayList<>(runs.keySet());
    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    names.forEach(name -> seconds.put(name, new ArrayList<>()));
    // The process's CPU time over each run (driver and executor threads, JIT and GC included): steadier than wall
    // time on shared cores, and what a cluster bills for.
    Map<String, List<Double>> cpu = new LinkedHashMap<>();
    names.forEach(name -> cpu.put(name, new ArrayList<>()));
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    for (int rep = 0; rep < reps; rep++) {
      List<String> line = new ArrayList<>();
      for (int k = 0; k < names.size(); k++) {
        String name = names.get((rep + k) % names.size());
        BenchSupport.deleteTree(outputs.get(name));
        BenchSupport.flushWrites();
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        runs.get(name).run();
        double s = BenchSupport.secondsSince(start);
        double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
        seconds.get(name).add(s);
        cpu.get(name).add(cpuSeconds);
        line.add(String.format(Locale.ROOT, "%s %.2f s (cpu %.2f s)", name, s, cpuSeconds));
      }
      System.out.printf(Locale.ROOT, "  %s rep %d: %s%n", label, rep + 1, String.join(", ", line));
    }
    List<Double> floor = seconds.get("floor");
    List<Double> nightjar = seconds.get("nightjar");
    List<Double> plainFloor = seconds.getOrDefault("floor without dictionaries", List.of());
    RunReport lastReport = last[0];
    double f = median(floor);
    double n = median(nightjar);
    System.out.println(BenchSupport.ratio(label + " predict vs floor (median s)", n, f, "s"));
    System.out.println(BenchSupport.ratio(label + " predict vs floor (median process CPU s)", median(cpu.get("nightjar")),
        median(cpu.get("floor")), "s"));
    if (!continuous.isEmpty()) {
      System.out.println(BenchSupport.ratio(label + " predict vs floor without dictionaries on " + continuous.size()
          + " continuous columns", n, median(plainFloor), "s"));
    }
    System.out.printf(Locale.ROOT, "  %s: nightjar %,.0f rows/s, floor %,.0f rows/s; files per ds: nightjar %s, "
        + "floor %s; input files per ds %s%n", label, rows / n, rows / f, filesPerPartition(out),
        filesPerPartition(floorOut), filesPerPartition(batch));
    if (lastReport.phaseMillis() != null) {
      System.out.printf(Locale.ROOT, "  %s last run phases (ms): %s%n", label, lastReport.phaseMillis());
    }
    if (profiler != null) {
      profiler.print(label);
    }
    return new double[] {f, n};
  }

  /**
   * Where the time over the floor goes, each variant a single read-and-write pass of the same batch: the floor; the
   * floor plus the reject rules and the observed metrics; the model's transform without them.
   */
  private static void decompose(SparkSession spark, String label, Path batch, JobSpec trained, int reps) {
    String version;
    try {
      version = Files.readString(Path.of(trained.modelStore()).resolve("CURRENT")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PipelineModel model = PipelineModel.load(Path.of(trained.modelStore()).resolve(version).resolve("pipeline")
        .toString());
    Path out = BenchSupport.benchDir().resolve("out/decompose");
    List<Double> floor = new ArrayList<>();
    List<Double> rules = new ArrayList<>();
    List<Double> transform = new ArrayList<>();
    List<Double> compiled = new ArrayList<>();
    List<Double> unsorted = new ArrayList<>();
    List<Double> stringDs = new ArrayList<>();
    io.nightjar.score.Scorer scorer = io.nightjar.score.Scorers.forModel(model,
        io.nightjar.spec.ScoringMode.COMPILED);
    for (int rep = 0; rep < reps; rep++) {
      BenchSupport.deleteTree(out);
      floor.add(time(() -> {
        spark.read().parquet(batch.toString()).write().partitionBy("ds").parquet(out.toString());
        return null;
      }));
      BenchSupport.deleteTree(out);
      rules.add(time(() -> {
        Dataset<Row> data = spark.read().parquet(batch.toString());
        io.nightjar.contract.RowRules rowRules = new io.nightjar.contract.RowRules();
        for (var field : data.schema().fields()) {
          if (field.dataType() instanceof org.apache.spark.sql.types.NumericType) {
            rowRules.rejectInfinite(field.name());
          } else if (!field.name().equals("ds")) {
            rowRules.requirePresent(field.name());
          }
        }
        org.apache.spark.sql.Observation seen = new org.apache.spark.sql.Observation("decompose-" + System.nanoTime());
        data.withColumn("reason", rowRules.reason()).where(col("reason").isNull()).drop("reason")
            .observe(seen, org.apache.spark.sql.functions.count(lit(1)).as("rows"))
            .write().partitionBy("ds").parquet(out.toString());
        return null;
      }));
      BenchSupport.deleteTree(out);
      transform.add(time(() -> {
        Dataset<Row> data = spark.read().parquet(batch.toString());
        List<org.apache.spark.sql.Column> cols = new ArrayList<>();
        for (String name : data.columns()) {
          cols.add(col(name));
        }
        cols.add(col("prediction"));
        model.transform(data).select(cols.toArray(org.apache.spark.sql.Column[]::new)).write().partitionBy("ds")
            .parquet(out.toString());
        return null;
      }));
      BenchSupport.deleteTree(out);
      compiled.add(time(() -> {
        scorer.score(spark.read().parquet(batch.toString())).write().partitionBy("ds").parquet(out.toString());
        return null;
      }));
      BenchSupport.deleteTree(out);
      unsorted.add(time(() -> {
        PartitionedWriter.writeNew(scorer.score(spark.read().parquet(batch.toString())), out.toString(),
            "ds", List.of("prediction"));
        return null;
      }));
      BenchSupport.deleteTree(out);
      stringDs.add(time(() -> {
        StructType schema = spark.read().parquet(batch.toString()).drop("ds").schema().add("ds", "string");
        spark.read().schema(schema).parquet(batch.toString()).write().partitionBy("ds").parquet(out.toString());
        return null;
      }));
      System.out.printf(Locale.ROOT, "  %s decompose rep %d: floor %.2f s, +rules+observe %.2f s, model transform "
          + "%.2f s, compiled scorer %.2f s, same without a score dictionary %.2f s, string ds %.2f s%n", label, rep + 1,
          floor.get(rep), rules.get(rep), transform.get(rep), compiled.get(rep), unsorted.get(rep), stringDs.get(rep));
    }
    System.out.println(BenchSupport.ratio(label + " floor + compiled scorer, no score dictionary", median(unsorted),
        median(floor), "s"));
    System.out.println(BenchSupport.ratio(label + " floor, ds read as a string", median(stringDs), median(floor),
        "s"));
    System.out.println(BenchSupport.ratio(label + " floor + reject rules + observe", median(rules), median(floor),
        "s"));
    System.out.println(BenchSupport.ratio(label + " floor + model transform", median(transform), median(floor),
        "s"));
    System.out.println(BenchSupport.ratio(label + " floor + compiled scorer", median(compiled), median(floor),
        "s"));
  }

  /** The batch's floating-point columns: the ones predict copies without a dictionary when the batch has none. */
  private static List<String> continuousColumns(SparkSession spark, Path batch) {
    List<String> names = new ArrayList<>();
    for (var field : spark.read().parquet(batch.toString()).schema().fields()) {
      if (field.dataType() instanceof DoubleType || field.dataType() instanceof FloatType) {
        names.add(field.name());
      }
    }
    return names;
  }

  private static double time(Supplier<Void> work) {
    long start = System.nanoTime();
    work.get();
    return BenchSupport.secondsSince(start);
  }

  /** Data files per ds directory under {@code root}: "min..max over N dates". */
  static String filesPerPartition(Path root) {
    if (!Files.isDirectory(root)) {
      return "none";
    }
    List<Integer> counts = new ArrayList<>();
    try (var dirs = Files.list(root)) {
      for (Path dir : dirs.filter(p -> p.getFileName().toString().startsWith("ds=")).toList()) {
        try (var files = Files.list(dir)) {
          counts.add((int) files.filter(p -> p.getFileName().toString().endsWith(".parquet")).count());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (counts.isEmpty()) {
      return "none";
    }
    return Collections.min(counts) + ".." + Collections.max(counts) + " over " + counts.size() + " dates";
  }

  static JobSpec trainTabular(SparkSession spark, Path bench) {
    Path train = bench.resolve("tabular-train-50000");
    if (!Files.exists(train.resolve("_SUCCESS"))) {
      TabularBatches.training(spark, 50_000, SEED + 1).write().mode(SaveMode.Overwrite).parquet(train.toString());
    }
    JobSpec spec = JobSpecLoader.load("bench", """
        name: bench-tabular
        kind: elasticnet
        input: {path: %s}
        columns: {label: label, categorical: [region, channel]}
        params: {regParam: 0.01, elasticNetParam: 0.5, maxIter: 20}
        model: {store: %s}
        predict: {input: {path: unused}, output: {path: unused}}
        """.formatted(train, bench.resolve("models/bench-tabular")), List.of());
    return trainOnce(spark, spec);
  }

  static JobSpec trainAls(SparkSession spark, Path bench, long rows) {
    Path ratings = bench.resolve("ratings-" + rows);
    Dataset<Row> all = SkewedRatings.ensure(spark, ratings, rows, SEED);
    Path sample = bench.resolve("ratings-" + rows + "-train-sample");
    if (!Files.exists(sample.resolve("_SUCCESS"))) {
      all.sample(0.05, SEED).write().mode(SaveMode.Overwrite).parquet(sample.toString());
    }
    JobSpec spec = JobSpecLoader.load("bench", """
        name: bench-als
        kind: als
        input: {path: %s}
        columns: {user: user_id, item: item_id, rating: rating}
        params: {rank: 10, maxIter: 5, regParam: 0.1}
        model: {store: %s}
        predict: {input: {path: unused}, output: {path: unused}}
        """.formatted(sample, bench.resolve("models/bench-als-" + rows)), List.of());
    return trainOnce(spark, spec);
  }

  private static JobSpec trainOnce(SparkSession spark, JobSpec spec) {
    if (!Files.exists(Path.of(spec.modelStore()).resolve("CURRENT"))) {
      long start = System.nanoTime();
      new Trainer(spark, null).train(spec);
      System.out.printf(Locale.ROOT, "trained %s in %.1f s%n", spec.name(), BenchSupport.secondsSince(start));
    }
    return spec;
  }

  /** The (user, item) pairs of the ratings, without the rating, spread over 4 ds partitions. */
  static Path alsPairs(SparkSession spark, Path bench, long rows) {
    Path pairs = bench.resolve("pairs-" + rows);
    if (!Files.exists(pairs.resolve("_SUCCESS"))) {
      spark.read().parquet(bench.resolve("ratings-" + rows).toString())
          .withColumn("ds", date_add(lit(TabularBatches.FIRST_DATE.toString()).cast("date"),
              pmod(org.apache.spark.sql.functions.monotonically_increasing_id(), lit(TabularBatches.DATES))
                  .cast("int")).cast("string"))
          .select(col("user_id"), col("item_id"), col("ds"))
          .write().mode(SaveMode.Overwrite).partitionBy("ds").parquet(pairs.toString());
    }
    return pairs;
  }

  private static JobSpec predictJob(JobSpec trained, Path batch, Path out, Integer filesPerPartition,
      String outputColumns) {
    List<String> overrides = new ArrayList<>(List.of("predict.input.path=" + batch, "predict.output.path=" + out));
    if (outputColumns != null) {
      overrides.add("predict.output.columns=[" + outputColumns + "]");
    }
    if (filesPerPartition != null) {
      overrides.add("predict.filesPerPartition=" + filesPerPartition);
    }
    String yaml = trained.kind().specName().equals("als") ? """
        name: %s
        kind: als
        input: {path: %s}
        columns: {user: user_id, item: item_id, rating: rating}
        model: {store: %s}
        predict: {input: {path: x}, output: {path: y}}
        """ : """
        name: %s
        kind: elasticnet
        input: {path: %s}
        columns: {label: label, categorical: [region, channel]}
        model: {store: %s}
        predict: {input: {path: x}, output: {path: y}}
        """;
    return JobSpecLoader.load("bench", yaml.formatted(trained.name(), trained.input().path(), trained.modelStore()),
        overrides);
  }

  /** Wall time of every Spark job by its description (the phase label), for {@code --profile}. */
  static final class JobProfiler extends SparkListener {
    private final Map<Integer, Long> started = new ConcurrentHashMap<>();
    private final Map<Integer, String> names = new ConcurrentHashMap<>();
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    void reset() {
      lines.clear();
    }

    @Override
    public void onJobStart(SparkListenerJobStart event) {
      started.put(event.jobId(), event.time());
      String description = event.properties() == null ? null : event.properties().getProperty("spark.job.description");
      int tasks = 0;
      for (var info : scala.jdk.javaapi.CollectionConverters.asJava(event.stageInfos())) {
        tasks += info.numTasks();
      }
      names.put(event.jobId(), (description == null ? "(no description)" : description) + " [" + tasks + " tasks]");
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd event) {
      Long start = started.remove(event.jobId());
      String name = names.remove(event.jobId());
      lines.add(String.format(Locale.ROOT, "    job %4d %7d ms  %s", event.jobId(),
          start == null ? -1 : event.time() - start, name));
    }

    void print(String label) {
      System.out.println("  " + label + ": Spark jobs of the last nightjar run:");
      synchronized (lines) {
        lines.forEach(System.out::println);
      }
    }
  }
}

package io.nightjar.bench;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightjar.session.SparkSessions;
import io.nightjar.spec.EnvConfig;
import io.nightjar.spec.JobSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.nightjar.predict.Predictor;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * ElasticNet predict on a large batch as a nightly run meets it: each run a whole, fresh process, so it pays the JVM's
 * class loading and JIT compilation that {@link PredictBench}'s warm, in-JVM repetitions leave out. The floor is a
 * fresh process too: a session built the way the CLI builds it (the embedded defaults), reading the same Parquet batch
 * and writing it back unchanged, partitioned by {@code ds}. Predict is the real CLI main class on the same batch, with
 * the bench's model. A second floor writes what predict writes: the batch plus a double {@code prediction} and the
 * constant {@code model_version}, so that it writes as many bytes (for the ALS pairs, 2.4 times the batch). The three
 * take turns, the order rotated every repetition, written files flushed before each run.
 *
 * <pre>
 * scripts/benchmark.sh ProcessPredictBench [ROWS] [REPETITIONS] [--als]     (default 4000000 4)
 * </pre>
 *
 * <p>With {@code --als}, ALS pair scoring instead: {@link PredictBench}'s ALS model and (user, item) pairs of ROWS
 * rows, against the floor copy of those pairs.
 */
public final class ProcessPredictBench {
  private static final long SEED = 7;
  private static final String COPY = "floor copy ms ";
  private static final Pattern COPY_LINE = Pattern.compile(COPY + "(\\d+)");

  private static final int FLOOR = 0;
  private static final int SCORED_FLOOR = 1;
  private static final int PREDICT = 2;
  /** Each repetition's order of the three processes; each kind comes first once in three repetitions. */
  private static final int[][] TURNS = {
      {FLOOR, PREDICT, SCORED_FLOOR}, {PREDICT, SCORED_FLOOR, FLOOR}, {SCORED_FLOOR, FLOOR, PREDICT}};

  private ProcessPredictBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 3 && (args[0].equals("--floor") || args[0].equals("--floor-scored"))) {
      floor(args[1], args[2], args[0].equals("--floor-scored"));
      return;
    }
    List<String> positional = new ArrayList<>(List.of(args));
    boolean als = positional.remove("--als");
    long rows = positional.size() > 0 ? Long.parseLong(positional.get(0).replace("_", "")) : 4_000_000L;
    int reps = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 4;
    String kind = als ? "als-pairs" : "elasticnet";
    System.out.println(BenchSupport.machine());
    Path bench = BenchSupport.benchDir();
    Path dir = bench.resolve("process");
    Files.createDirectories(dir);
    Path batch;
    Path job = dir.resolve("job-" + kind + "-" + rows + ".yaml");
    Path floorOut = dir.resolve("floor-" + kind + "-" + rows);
    Path scoredFloorOut = dir.resolve("floor-scored-" + kind + "-" + rows);
    Path predictOut = dir.resolve("predict-" + kind + "-" + rows);
    SparkSession spark = PredictBench.session();
    try {
      JobSpec trained;
      String columns;
      if (als) {
        trained = PredictBench.trainAls(spark, bench, rows);
        batch = PredictBench.alsPairs(spark, bench, rows);
        columns = "{user: user_id, item: item_id, rating: rating}";
      } else {
        batch = TabularBatches.ensure(spark, bench.resolve("tabular-" + rows), rows, SEED);
        trained = PredictBench.trainTabular(spark, bench);
        columns = "{label: label, categorical: [region, channel]}";
      }
      Files.writeString(job, """
          name: %s
          kind: %s
          input: {path: %s}
          columns: %s
          model: {store: %s}
          predict: {input: {path: %s}, output: {path: %s}}
          """.formatted(trained.name(), trained.kind().specName(), trained.input().path(), columns,
          trained.modelStore(), batch, predictOut));
    } finally {
      spark.stop();
    }
    ObjectMapper json = new ObjectMapper();
    List<Double> floor = new ArrayList<>();
    List<Double> floorCopy = new ArrayList<>();
    List<Double> scoredFloor = new ArrayList<>();
    List<Double> scoredFloorCopy = new ArrayList<>();
    List<Double> predict = new ArrayList<>();
    List<Double> predictRun = new ArrayList<>();
    List<Double> scoreAndWrite = new ArrayList<>();
    for (int rep = 0; rep < reps; rep++) {
      for (int turn : TURNS[rep % TURNS.length]) {
        BenchSupport.flushWrites();
        if (turn == FLOOR || turn == SCORED_FLOOR) {
          boolean scoredTurn = turn == SCORED_FLOOR;
          Path out = scoredTurn ? scoredFloorOut : floorOut;
          BenchSupport.deleteTree(out);
          Path log = dir.resolve(scoredTurn ? "floor-scored.log" : "floor.log");
          double seconds = BenchSupport.runJvm(List.of(ProcessPredictBench.class.getName(),
              scoredTurn ? "--floor-scored" : "--floor", batch.toString(), out.toString()), log);
          (scoredTurn ? scoredFloor : floor).add(seconds);
          (scoredTurn ? scoredFloorCopy : floorCopy).add(copyMillis(log) / 1000.0);
        } else {
          BenchSupport.deleteTree(predictOut);
          predict.add(BenchSupport.runJvm(List.of("io.nightjar.cli.Main", "predict", "--job", job.toString(),
              "--all-partitions"), dir.resolve("predict.log")));
          JsonNode report = json.readTree(BenchSupport.latestReport(predictOut).toFile());
          if (report.path("rowsScored").asLong() != rows) {
            throw new IllegalStateException("predict scored " + report.path("rowsScored") + " of " + rows + " rows");
          }
          predictRun.add(report.path("durationMillis").asLong() / 1000.0);
          scoreAndWrite.add(report.path("phaseMillis").path("score and write").asLong() / 1000.0);
          System.out.printf(Locale.ROOT, "  rep %d predict phases (ms): %s%n", rep + 1, report.path("phaseMillis"));
        }
      }
      System.out.printf(Locale.ROOT, "  rep %d: floor %.2f s (copy %.2f s), floor with score columns %.2f s (copy "
          + "%.2f s), predict %.2f s (run %.2f s, score and write %.2f s)%n", rep + 1, floor.get(rep),
          floorCopy.get(rep), scoredFloor.get(rep), scoredFloorCopy.get(rep), predict.get(rep), predictRun.get(rep),
          scoreAndWrite.get(rep));
    }
    String label = String.format(Locale.ROOT, "%s %,d", als ? "als pairs" : "elasticnet", rows);
    System.out.println(BenchSupport.ratio(label + " predict vs floor, whole process (median s)",
        BenchSupport.median(predict), BenchSupport.median(floor), "s"));
    System.out.println(BenchSupport.ratio(label + " predict run vs floor copy, in-process (median s)",
        BenchSupport.median(predictRun), BenchSupport.median(floorCopy), "s"));
    System.out.println(BenchSupport.ratio(label + " score and write vs floor copy (median s)",
        BenchSupport.median(scoreAndWrite), BenchSupport.median(floorCopy), "s"));
    System.out.println(BenchSupport.ratio(label + " predict vs floor with score columns, whole process (median s)",
        BenchSupport.median(predict), BenchSupport.median(scoredFloor), "s"));
    System.out.println(BenchSupport.ratio(label + " score and write vs floor copy with score columns (median s)",
        BenchSupport.median(scoreAndWrite), BenchSupport.median(scoredFloorCopy), "s"));
  }

  /**
   * The floor as a process of its own: the CLI's session, the batch read and written back unchanged; with
   * {@code scored}, with the two columns predict adds as well, so that the floor writes as many bytes as predict: a
   * double {@code prediction} that compresses no better than a model's (uniform random, seeded), written without a
   * dictionary as predict writes it, and the constant {@code model_version}.
   */
  private static void floor(String batch, String out, boolean scored) {
    SparkSession spark = SparkSessions.start(EnvConfig.embeddedDefault(), "floor");
    try {
      long start = System.nanoTime();
      Dataset<Row> rows = spark.read().parquet(batch);
      DataFrameWriter<Row> writer;
      if (scored) {
        // The prediction is written without a dictionary, as predict writes it: no dictionary is tried and given up.
        writer = rows.withColumn("prediction", rand(SEED).multiply(4).plus(1))
            .withColumn(Predictor.MODEL_VERSION, lit("20261206-000000-000-0000"))
            .write().option("parquet.enable.dictionary#prediction", "false");
      } else {
        writer = rows.write();
      }
      writer.mode(SaveMode.Overwrite).partitionBy("ds").parquet(out);
      System.out.println(COPY + (System.nanoTime() - start) / 1_000_000);
    } finally {
      spark.stop();
    }
  }

  private static long copyMillis(Path log) throws IOException {
    Matcher m = COPY_LINE.matcher(Files.readString(log));
    if (!m.find()) {
      throw new IllegalStateException("no '" + COPY + "' line in " + log);
    }
    return Long.parseLong(m.group(1));
  }
}

package io.nightjar.bench;

import static io.nightjar.bench.BenchSupport.median;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightjar.session.SparkSessions;
import io.nightjar.spec.EnvConfig;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.JobSpecLoader;
import io.nightjar.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Start-up cost of predict, as whole processes: a trivial local Spark job ({@code spark.range(1000).count()} in a
 * session built like the CLI's) against {@code nightjar predict} on a one-row batch (the real CLI main class), each a
 * fresh JVM with this JVM's java, classpath and options; run alternately, median of the repetitions. Model
 * verification and loading are reported apart, from the predict runs' own phase timings in their run reports.
 *
 * <pre>
 * scripts/benchmark.sh StartupBench [REPETITIONS]     (default 3)
 * </pre>
 */
public final class StartupBench {
  private StartupBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--trivial")) {
      trivial();
      return;
    }
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    System.out.println(BenchSupport.machine());
    Path dir = BenchSupport.benchDir().resolve("startup");
    Path job = prepare(dir);
    Path out = dir.resolve("out");
    List<Double> trivial = new ArrayList<>();
    List<Double> predict = new ArrayList<>();
    List<Long> verify = new ArrayList<>();
    List<Long> load = new ArrayList<>();
    List<Long> inRun = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (int rep = 0; rep < reps; rep++) {
      trivial.add(BenchSupport.runJvm(List.of(StartupBench.class.getName(), "--trivial"), dir.resolve("child.log")));
      predict.add(BenchSupport.runJvm(List.of("io.nightjar.cli.Main", "predict", "--job", job.toString(),
          "--run-date", TabularBatches.FIRST_DATE.toString()), dir.resolve("child.log")));
      JsonNode report = json.readTree(BenchSupport.latestReport(out).toFile());
      verify.add(report.path("phaseMillis").path("verify model").asLong());
      load.add(report.path("phaseMillis").path("load model").asLong());
      inRun.add(report.path("durationMillis").asLong());
      System.out.printf(Locale.ROOT, "  rep %d: trivial job %.2f s, predict one row %.2f s (in-run %d ms: verify model "
          + "%d ms, load model %d ms; phases %s)%n", rep + 1, trivial.get(rep), predict.get(rep), inRun.get(rep),
          verify.get(rep), load.get(rep), report.path("phaseMillis"));
    }
    System.out.println(BenchSupport.ratio("predict one row, whole process (median s)", median(predict),
        median(trivial), "s"));
    System.out.println(BenchSupport.ratio("  of which model verify + load (median s)",
        (medianLong(verify) + medianLong(load)) / 1000.0, median(trivial), "s"));
    System.out.println(BenchSupport.ratio("  of which model load alone (median s)", medianLong(load) / 1000.0,
        median(trivial), "s"));
    System.out.println(BenchSupport.ratio("  predict run itself, start to report (median s)",
        medianLong(inRun) / 1000.0, median(trivial), "s"));
  }

  /** The trivial job, in a session built the way the CLI builds it. */
  private static void trivial() {
    SparkSession spark = SparkSessions.start(EnvConfig.embeddedDefault(), "trivial");
    try {
      long n = spark.range(1000).count();
      if (n != 1000) {
        throw new IllegalStateException("count " + n);
      }
    } finally {
      spark.stop();
    }
  }

  /** A small trained model, a one-row batch and the job spec naming them; made once. */
  private static Path prepare(Path dir) throws IOException {
    Path job = dir.resolve("job.yaml");
    if (Files.exists(job)) {
      return job;
    }
    SparkSession spark = BenchSupport.localSession("StartupBench-setup");
    try {
      Path train = dir.resolve("train");
      TabularBatches.training(spark, 5_000, 11).write().mode(SaveMode.Overwrite).parquet(train.toString());
      Path batch = dir.resolve("batch");
      TabularBatches.batch(spark, 1, 12).write().mode(SaveMode.Overwrite).partitionBy("ds").parquet(batch.toString());
      String yaml = """
          name: startup-tabular
          kind: elasticnet
          input: {path: %s}
          columns: {label: label, categorical: [region, channel]}
          params: {regParam: 0.01, maxIter: 10}
          model: {store: %s}
          predict: {input: {path: %s}, output: {path: %s}}
          """.formatted(train, dir.resolve("models"), batch, dir.resolve("out"));
      JobSpec spec = JobSpecLoader.load(job.toString(), yaml, List.of());
      new Trainer(spark, null).train(spec);
      Files.writeString(job, yaml);
    } finally {
      spark.stop();
    }
    return job;
  }

  private static double medianLong(List<Long> values) {
    return median(values.stream().map(Long::doubleValue).toList());
  }
}

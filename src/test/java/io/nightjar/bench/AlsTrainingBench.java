package io.nightjar.bench;

import io.nightjar.pipeline.PipelineFactory;
import io.nightjar.spec.JobSpecLoader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Training at scale (issue 6 target 5): the whole Nightjar ALS pipeline (indexing, biases, ALS on residuals) against
 * plain Spark {@code ALS.fit} on the same generated ratings, same rank, iterations, blocks and checkpoint directory,
 * in the same run. Prints each stage's time, ratings per second and the peak heap of each phase. Target: pipeline
 * at most 1.05x plain ALS.
 *
 * <p>Args: {@code [ROWS (default 2000000)] [RANK (10)] [ITERATIONS (10)] [BLOCKS (10)] [ROUNDS (2)]}; each round
 * fits both, in alternating order.
 */
public final class AlsTrainingBench {
  private AlsTrainingBench() {}

  public static void main(String[] args) {
    long rows = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 2_000_000L;
    int rank = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int blocks = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    System.out.println(BenchSupport.machine());
    // The pipeline's fit logs each stage's time at INFO.
    org.apache.logging.log4j.core.config.Configurator.setLevel("io.nightjar.pipeline.AlsPipeline",
        org.apache.logging.log4j.Level.INFO);
    org.apache.logging.log4j.core.config.Configurator.setLevel("io.nightjar.pipeline.stage.ResidualFit",
        org.apache.logging.log4j.Level.INFO);
    SparkSession spark = BenchSupport.localSession("als-training-bench");
    BenchSupport.logSlowJobs(spark);
    spark.sparkContext().setCheckpointDir(BenchSupport.benchDir().resolve("checkpoints").toString());
    try {
      Dataset<Row> ratings = SkewedRatings.ensure(spark, BenchSupport.benchDir().resolve("ratings-" + rows), rows, 7);
      System.out.printf(Locale.ROOT, "ratings %,d; rank %d, maxIter %d, blocks %d, checkpointInterval 10 (default)%n",
          rows, rank, iterations, blocks);
      // Warm-up on a small slice so neither side pays the JIT and class loading.
      Dataset<Row> slice = ratings.limit(50_000);
      plain(slice, rank, 2, 2);
      pipeline(slice, rank, 2, 2);

      // Rounds alternate plain and pipeline, so that neither side always runs on a JVM the other has warmed (or
      // filled): the ratio is of the medians.
      List<Double> plainTimes = new ArrayList<>();
      List<Double> pipelineTimes = new ArrayList<>();
      long plainPeak = 0;
      long pipelinePeak = 0;
      for (int round = 1; round <= rounds; round++) {
        boolean plainFirst = round % 2 == 1;
        for (int side = 0; side < 2; side++) {
          boolean isPlain = (side == 0) == plainFirst;
          resetPeaks();
          long start = System.nanoTime();
          if (isPlain) {
            plain(ratings, rank, iterations, blocks);
          } else {
            pipeline(ratings, rank, iterations, blocks);
          }
          double seconds = BenchSupport.secondsSince(start);
          long peak = peakHeap();
          (isPlain ? plainTimes : pipelineTimes).add(seconds);
          if (isPlain) {
            plainPeak = Math.max(plainPeak, peak);
          } else {
            pipelinePeak = Math.max(pipelinePeak, peak);
          }
          System.out.printf(Locale.ROOT, "round %d: %s %.1f s, %,.0f ratings/s, peak heap %.2f GiB%n", round,
              isPlain ? "plain ALS.fit" : "Nightjar pipeline fit", seconds, rows / seconds, peak / 1073741824.0);
        }
      }
      double plainSeconds = median(plainTimes);
      double pipelineSeconds = median(pipelineTimes);
      System.out.println(BenchSupport.ratio("pipeline fit time vs plain ALS.fit (median s)", pipelineSeconds,
          plainSeconds, "s") + (pipelineSeconds <= 1.05 * plainSeconds ? "   (target 1.05: met)"
          : "   (target 1.05: NOT met)"));
      System.out.printf(Locale.ROOT, "ratings per second (median): pipeline %,.0f, plain %,.0f%n",
          rows / pipelineSeconds, rows / plainSeconds);
      System.out.println(BenchSupport.ratio("pipeline peak heap vs plain ALS.fit", pipelinePeak / 1048576.0,
          plainPeak / 1048576.0, "MiB"));
    } finally {
      spark.stop();
    }
  }

  private static void plain(Dataset<Row> ratings, int rank, int iterations, int blocks) {
    new ALS().setUserCol("user_id").setItemCol("item_id").setRatingCol("rating").setRank(rank).setMaxIter(iterations)
        .setNumUserBlocks(blocks).setNumItemBlocks(blocks).setSeed(42L).fit(ratings);
  }

  /** Fits the pipeline as the train verb does ({@code PipelineFactory.fit}), which logs each stage's time. */
  private static void pipeline(Dataset<Row> ratings, int rank, int iterations, int blocks) {
    String spec = """
        name: bench
        kind: als
        input: {path: unused}
        columns: {user: user_id, item: item_id, rating: rating}
        seed: 42
        model: {store: unused}
        """;
    List<String> overrides = new ArrayList<>(List.of("params.rank=" + rank, "params.maxIter=" + iterations,
        "params.numUserBlocks=" + blocks, "params.numItemBlocks=" + blocks));
    io.nightjar.spec.JobSpec job = JobSpecLoader.load("bench", spec, overrides);
    PipelineFactory.fit(job, PipelineFactory.build(job, null), ratings);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    java.util.Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
  }

  /** Sum of the heap pools' peaks since the last reset (an upper bound of the peak heap in use). */
  private static long peakHeap() {
    long total = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        total += pool.getPeakUsage().getUsed();
      }
    }
    return total;
  }
}

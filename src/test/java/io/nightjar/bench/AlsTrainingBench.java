package io.nightjar.bench;

import io.nightjar.pipeline.PipelineFactory;
import io.nightjar.spec.JobSpecLoader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
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
 * <p>Args: {@code [ROWS (default 2000000)] [RANK (10)] [ITERATIONS (10)] [BLOCKS (10)]}.
 */
public final class AlsTrainingBench {
  private AlsTrainingBench() {}

  public static void main(String[] args) {
    long rows = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 2_000_000L;
    int rank = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int blocks = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    System.out.println(BenchSupport.machine());
    SparkSession spark = BenchSupport.localSession("als-training-bench");
    spark.sparkContext().setCheckpointDir(BenchSupport.benchDir().resolve("checkpoints").toString());
    try {
      Dataset<Row> ratings = SkewedRatings.ensure(spark, BenchSupport.benchDir().resolve("ratings-" + rows), rows, 7);
      System.out.printf(Locale.ROOT, "ratings %,d; rank %d, maxIter %d, blocks %d, checkpointInterval 10 (default)%n",
          rows, rank, iterations, blocks);
      // Warm-up on a small slice so neither side pays the JIT and class loading.
      Dataset<Row> slice = ratings.limit(50_000);
      plain(slice, rank, 2, 2);
      pipeline(slice, rank, 2, 2, false);

      resetPeaks();
      long start = System.nanoTime();
      plain(ratings, rank, iterations, blocks);
      double plainSeconds = BenchSupport.secondsSince(start);
      long plainPeak = peakHeap();
      System.out.printf(Locale.ROOT, "plain ALS.fit: %.1f s, %,.0f ratings/s, peak heap %.2f GiB%n", plainSeconds,
          rows / plainSeconds, plainPeak / 1073741824.0);

      resetPeaks();
      start = System.nanoTime();
      pipeline(ratings, rank, iterations, blocks, true);
      double pipelineSeconds = BenchSupport.secondsSince(start);
      long pipelinePeak = peakHeap();
      System.out.printf(Locale.ROOT, "Nightjar pipeline fit: %.1f s, %,.0f ratings/s, peak heap %.2f GiB%n",
          pipelineSeconds, rows / pipelineSeconds, pipelinePeak / 1073741824.0);
      System.out.println(BenchSupport.ratio("pipeline fit time vs plain ALS.fit", pipelineSeconds, plainSeconds, "s")
          + (pipelineSeconds <= 1.05 * plainSeconds ? "   (target 1.05: met)" : "   (target 1.05: NOT met)"));
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

  /** Fits the stages one by one exactly as {@code Pipeline.fit} does, timing each. */
  private static void pipeline(Dataset<Row> ratings, int rank, int iterations, int blocks, boolean report) {
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
    Pipeline pipeline = PipelineFactory.build(JobSpecLoader.load("bench", spec, overrides), null);
    Dataset<Row> current = ratings;
    PipelineStage[] stages = pipeline.getStages();
    for (int k = 0; k < stages.length; k++) {
      PipelineStage stage = stages[k];
      long start = System.nanoTime();
      Transformer fitted = stage instanceof Estimator<?> estimator ? (Transformer) estimator.fit(current)
          : (Transformer) stage;
      if (report) {
        System.out.printf(Locale.ROOT, "  stage %d %-22s fit %6.1f s%n", k, stage.getClass().getSimpleName(),
            BenchSupport.secondsSince(start));
      }
      if (k < stages.length - 1) {
        current = fitted.transform(current);
      }
    }
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

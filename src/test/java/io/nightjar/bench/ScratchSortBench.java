package io.nightjar.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.util.QueryExecutionListener;

/** Scratch: the scored write with the sort before the scoring against after it. Not committed. */
public final class ScratchSortBench {
  public static void main(String[] args) throws Exception {
    int reps = Integer.parseInt(args[0]);
    SparkSession spark = PredictBench.session();
    boolean[] print = {true, true};
    spark.listenerManager().register(new QueryExecutionListener() {
      @Override public void onSuccess(String f, QueryExecution qe, long d) {
        String plan = qe.executedPlan().toString();
        if (plan.contains("prediction") && (print[0] || print[1])) {
          System.out.println("PLAN " + f + "\n" + plan.substring(0, Math.min(plan.length(), 3000)));
        }
      }
      @Override public void onFailure(String f, QueryExecution qe, Exception e) {}
    });
    Path bench = BenchSupport.benchDir();
    Path batch = bench.resolve("tabular-4000000");
    Path store = bench.resolve("models/bench-tabular");
    String version = Files.readString(store.resolve("CURRENT")).trim();
    PipelineModel model = PipelineModel.load(store.resolve(version).resolve("pipeline").toString());
    io.nightjar.score.Scorer scorer = io.nightjar.score.Scorers.forModel(model, io.nightjar.spec.ScoringMode.COMPILED);
    Path out = bench.resolve("out/scratch");
    List<Double> floor = new ArrayList<>(), after = new ArrayList<>(), before = new ArrayList<>();
    for (int rep = 0; rep < reps; rep++) {
      BenchSupport.deleteTree(out);
      floor.add(time(() -> { spark.read().parquet(batch.toString()).write().partitionBy("ds").parquet(out.toString()); return null; }));
      BenchSupport.deleteTree(out);
      after.add(time(() -> {
        Dataset<Row> s = scorer.score(spark.read().parquet(batch.toString())).withColumn("model_version", lit("v1"));
        s.write().partitionBy("ds").parquet(out.toString());
        return null; }));
      print[0] = false;
      BenchSupport.deleteTree(out);
      before.add(time(() -> {
        Dataset<Row> s = scorer.score(spark.read().parquet(batch.toString()).sortWithinPartitions("ds"))
            .withColumn("model_version", lit("v1"));
        s.write().partitionBy("ds").parquet(out.toString());
        return null; }));
      print[1] = false;
      System.out.printf(Locale.ROOT, "rep %d: floor %.2f, sort after score %.2f (%.3f), sort before score %.2f (%.3f)%n",
          rep + 1, floor.get(rep), after.get(rep), after.get(rep) / floor.get(rep), before.get(rep),
          before.get(rep) / floor.get(rep));
    }
    spark.stop();
  }

  private static double time(Supplier<Void> work) {
    long start = System.nanoTime();
    work.get();
    return BenchSupport.secondsSince(start);
  }
}

package io.nightjar.bench;

import static org.apache.spark.sql.functions.*;

import io.nightjar.pipeline.PipelineFactory;
import io.nightjar.spec.JobSpecLoader;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Scratch: grid over pipeline configs on a validation split of u1.base. */
public final class AlsExplore {
  static final String SPEC = """
      name: t
      kind: als
      input: {path: unused}
      columns: {user: user_id, item: item_id, rating: rating}
      seed: 42
      model: {store: unused}
      """;

  public static void main(String[] args) {
    SparkSession spark = BenchSupport.localSession("explore");
    spark.conf().set("spark.sql.shuffle.partitions", "4");
    spark.sparkContext().setCheckpointDir("target/bench/ckpt");
    String dir = BenchSupport.sharedDataset("movielens-100k").toString();
    Dataset<Row> base = read(spark, dir + "/u1.base");
    Dataset<Row>[] split = base.randomSplit(new double[] {0.8, 0.2}, 1L);
    Dataset<Row> train = split[0].cache();
    Dataset<Row> valid = split[1].cache();
    train.count();
    valid.count();
    for (String cfg : args) {
      List<String> overrides = new ArrayList<>(List.of(cfg.split(";")));
      long t = System.nanoTime();
      PipelineModel model = PipelineFactory.build(JobSpecLoader.load("x", SPEC, overrides), null).fit(train);
      Row r = model.transform(valid).agg(
          sqrt(avg(pow(col("rating").minus(col("prediction")), 2))),
          sqrt(avg(pow(col("rating").minus(least(lit(5.0), greatest(lit(1.0), col("prediction")))), 2))),
          sqrt(avg(pow(col("rating").minus(col("__nj_baseline")), 2)))).first();
      System.out.printf("%-90s rmse %.4f clipped %.4f baseline %.4f  (%.1fs)%n", cfg, r.getDouble(0), r.getDouble(1),
          r.getDouble(2), BenchSupport.secondsSince(t));
    }
    spark.stop();
  }

  static Dataset<Row> read(SparkSession spark, String path) {
    return spark.read().option("sep", "\t").schema("user_id INT, item_id INT, rating DOUBLE, ts LONG").csv(path)
        .drop("ts");
  }
}

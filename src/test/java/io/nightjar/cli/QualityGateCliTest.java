package io.nightjar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.store.ModelStore;
import io.nightjar.testing.Fixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quality gate through the command line: a worse model is saved but not published (exit 5), --force publishes
 * it, and models rollback and promote move CURRENT by hand.
 */
class QualityGateCliTest {
  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void aWorseModelIsRefusedThenForcedThenRolledBackAndPromoted() throws IOException {
    SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    try {
      Fixtures.homes(spark, 600, 5).write().option("header", "true").csv(dir.resolve("train").toString());
    } finally {
      spark.stop();
    }
    Path job = dir.resolve("job.yaml");
    Files.writeString(job, """
        name: homes
        kind: elasticnet
        input: {path: %1$s/train, format: csv, schema: "sqft DOUBLE, age INT, noise DOUBLE, region STRING, price DOUBLE"}
        columns: {label: price}
        params: {regParam: 0.01}
        model: {store: %1$s/models}
        gate: {maxRegression: 0.0}
        """.formatted(dir));
    Path env = dir.resolve("env.yaml");
    Files.writeString(env, """
        spark:
          master: local[2]
          conf: {spark.sql.shuffle.partitions: "2", spark.ui.enabled: "false"}
        """);
    String[] common = {"--job", job.toString(), "--conf", env.toString()};
    ModelStore store = ModelStore.open(dir.resolve("models").toString(), new Configuration());

    assertEquals(0, run(concat(new String[] {"train"}, common)), err.toString());
    assertTrue(out.toString().contains("gate       passed the quality gate"), out.toString());
    String first = store.current().orElseThrow();

    // A huge penalty shrinks every coefficient to zero: no better than the training mean, worse than CURRENT.
    assertEquals(5, run(concat(new String[] {"train", "--set", "params.regParam=1e9"}, common)), out.toString());
    List<String> versions = store.versions();
    assertEquals(2, versions.size());
    String refused = versions.get(1);
    assertEquals(Optional.of(first), store.current(), "a refused version never becomes CURRENT");
    assertTrue(err.toString().contains("model version " + refused + " was saved but not published: failed the "
        + "quality gate: rmse "), err.toString());
    assertTrue(err.toString().contains("models promote --job " + job + " --version " + refused), err.toString());

    assertEquals(0, run(concat(new String[] {"train", "--force", "--set", "params.regParam=1e9"}, common)),
        err.toString());
    String forced = store.versions().get(2);
    assertEquals(Optional.of(forced), store.current());
    assertTrue(out.toString().contains("failed the quality gate, published by --force"), out.toString());

    assertEquals(0, run(concat(new String[] {"models", "rollback"}, common)), err.toString());
    assertEquals(Optional.of(first), store.current());
    assertTrue(out.toString().contains("now " + first + " (rolled back from " + forced + ")"), out.toString());

    assertEquals(0, run(concat(new String[] {"models", "promote", "--version", refused}, common)), err.toString());
    assertEquals(Optional.of(refused), store.current());

    assertEquals(0, run(concat(new String[] {"models", "list"}, common)), err.toString());
    String listing = out.toString();
    assertTrue(listing.contains("failed   *"), listing);
    assertTrue(listing.contains("forced"), listing);

    assertEquals(4, run(concat(new String[] {"models", "promote", "--version", "20990101-000000-000-0000"}, common)));
    assertTrue(err.toString().contains("is not in"), err.toString());
  }

  private static String[] concat(String[] a, String[] b) {
    String[] result = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }
}

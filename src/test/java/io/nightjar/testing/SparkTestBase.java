package io.nightjar.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One local SparkSession per test class: two cores, no UI, loopback only, two shuffle partitions. */
public abstract class SparkTestBase {
  protected static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = SparkSession.builder()
        .master("local[2]")
        .appName("nightjar-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
      spark = null;
    }
  }

  /**
   * The description ({@code spark.job.description}, "null" when unset) of every Spark job started while
   * {@code action} ran, counted once the listener bus has delivered every event.
   */
  protected static List<String> jobsDuring(Runnable action) {
    List<String> jobs = Collections.synchronizedList(new ArrayList<>());
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart event) {
        jobs.add(String.valueOf(event.properties() == null ? null
            : event.properties().getProperty("spark.job.description")));
      }
    };
    drainListeners();
    spark.sparkContext().addSparkListener(listener);
    try {
      action.run();
      drainListeners();
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    return new ArrayList<>(jobs);
  }

  private static void drainListeners() {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } catch (TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not empty", e);
    }
  }
}

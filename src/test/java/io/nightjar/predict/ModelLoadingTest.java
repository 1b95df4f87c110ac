package io.nightjar.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.testing.SparkTestBase;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.junit.jupiter.api.Test;

class ModelLoadingTest extends SparkTestBase {
  @Test
  void aLoadTheRunNoLongerNeedsHasItsSparkJobsCancelledAndIsNotInterrupted() throws Exception {
    CountDownLatch taskStarted = new CountDownLatch(1);
    SparkListener listener = new SparkListener() {
      @Override
      public void onTaskStart(SparkListenerTaskStart taskStart) {
        taskStarted.countDown();
      }
    };
    spark.sparkContext().addSparkListener(listener);
    AtomicReference<Exception> failure = new AtomicReference<>();
    AtomicBoolean interrupted = new AtomicBoolean();
    CountDownLatch ended = new CountDownLatch(1);
    List<Integer> values = IntStream.range(0, 2000).boxed().toList();
    try {
      ModelLoading loading = new ModelLoading(spark.sparkContext(), () -> {
        try {
          // A job of minutes, unless cancelled (each task checks for that between elements).
          JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(values, 2)
              .map(v -> {
                Thread.sleep(50);
                return v;
              }).count();
        } catch (Exception e) {
          failure.set(e);
        }
        interrupted.set(Thread.currentThread().isInterrupted() || failure.get() instanceof InterruptedException);
        ended.countDown();
        return null;
      });
      assertTrue(taskStarted.await(60, TimeUnit.SECONDS), "the load's job started");
      long start = System.nanoTime();
      loading.close();
      double seconds = (System.nanoTime() - start) / 1e9;

      assertEquals(0, ended.getCount(), "close() waited for the load to wind down");
      assertTrue(seconds < ModelLoading.WIND_DOWN_SECONDS, "cancelled, not waited out: " + seconds + " s");
      assertNotNull(failure.get(), "the load's job failed");
      assertTrue(String.valueOf(failure.get().getMessage()).contains("cancel"), failure.get().toString());
      assertFalse(interrupted.get(), "the load thread was not interrupted: " + failure.get());
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
  }
}

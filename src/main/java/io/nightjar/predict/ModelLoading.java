package io.nightjar.predict;

import io.nightjar.score.Scorer;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;

/**
 * A model being loaded on a thread of its own while the caller goes on; {@link #get()} waits for it and rethrows
 * what the load threw. The thread inherits the caller's Spark job description, so its jobs are labelled, and runs
 * them in a job group of its own, so that a run which fails before it needs the model can cancel them.
 */
final class ModelLoading implements AutoCloseable {
  /** How long {@link #close()} waits for a cancelled load to wind down before interrupting it. */
  static final long WIND_DOWN_SECONDS = 30;
  /** Spark's local property for the job description, which {@code setJobGroup} sets too. */
  private static final String JOB_DESCRIPTION = "spark.job.description";

  private final SparkContext sc;
  private final String group = "nightjar-load-model-" + UUID.randomUUID();
  private final ExecutorService thread;
  private final Future<Scorer> scorer;
  private volatile long millis;

  ModelLoading(SparkContext sc, Supplier<Scorer> load) {
    this.sc = sc;
    thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "nightjar-load-model");
      t.setDaemon(true);
      return t;
    });
    scorer = thread.submit(() -> {
      long start = System.nanoTime();
      sc.setJobGroup(group, sc.getLocalProperty(JOB_DESCRIPTION), false);
      try {
        return load.get();
      } finally {
        sc.clearJobGroup();
        millis = (System.nanoTime() - start) / 1_000_000;
      }
    });
  }

  /** The loaded scorer, once the load has finished. */
  Scorer get() {
    try {
      return scorer.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the model to load", e);
    } catch (CancellationException e) {
      throw new IllegalStateException("the model load was cancelled", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("the model load failed: " + e.getCause(), e.getCause());
    }
  }

  /** Wall time of the load itself, once it has finished. */
  long millis() {
    return millis;
  }

  /**
   * Stops the load if it is still running (the run failed before it needed the model): its Spark jobs, running and
   * to come, are cancelled, and the thread is given time to wind down. It is not interrupted unless it overstays:
   * an interrupt lands in Spark's own code (a broadcast being stored, a file being read), which then logs errors
   * that have nothing to do with why the run failed.
   */
  @Override
  public void close() {
    if (!scorer.isDone()) {
      sc.cancelJobGroupAndFutureJobs(group, "the predict run stopped before it needed the model");
    }
    thread.shutdown();
    try {
      if (!thread.awaitTermination(WIND_DOWN_SECONDS, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}

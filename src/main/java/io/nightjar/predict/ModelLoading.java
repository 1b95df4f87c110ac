package io.nightjar.predict;

import io.nightjar.score.Scorer;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * A model being loaded on a thread of its own while the caller goes on; {@link #get()} waits for it and rethrows
 * what the load threw. The thread inherits the caller's Spark job description, so its jobs are labelled.
 */
final class ModelLoading implements AutoCloseable {
  private final ExecutorService thread;
  private final Future<Scorer> scorer;
  private volatile long millis;

  ModelLoading(Supplier<Scorer> load) {
    thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "nightjar-load-model");
      t.setDaemon(true);
      return t;
    });
    scorer = thread.submit(() -> {
      long start = System.nanoTime();
      try {
        return load.get();
      } finally {
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

  /** Stops waiting: a load still running (the run failed before it needed the model) is abandoned. */
  @Override
  public void close() {
    scorer.cancel(true);
    thread.shutdownNow();
  }
}

package io.nightjar.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightjar.error.ModelException;
import io.nightjar.pipeline.stage.SavedParams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;

/**
 * Loads a saved {@link PipelineModel} as {@code PipelineModel.load} does (each stage by its own class's
 * {@code MLReadable} reader, from the directory Spark's pipeline writer gave it), but the stages in parallel: each
 * stage's reader runs a few small Spark jobs (its metadata, then its data), and one after the other they dominate the
 * start of a short predict run. The pipeline's own metadata and each stage's class name are read straight from the
 * files, without a Spark job, and so is a stage that is only params ({@link SavedParams}), and Spark's stages whose
 * data is small: indexer, imputer, one-hot encoder, linear and logistic regression, ALS ({@link DriverStages}). Call
 * it only on a directory {@link StageAllowList} has checked.
 */
public final class PipelineLoader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PIPELINE_MODEL = "org.apache.spark.ml.PipelineModel";
  /** Stages loaded at once; more threads than that only wait on the same scheduler. */
  private static final int MAX_THREADS = 8;

  private PipelineLoader() {}

  /**
   * The saved pipeline under {@code pipelineDir}.
   *
   * @throws ModelException when the directory is not a saved pipeline or a stage cannot be loaded
   */
  public static PipelineModel load(Path pipelineDir, Configuration conf) {
    try {
      FileSystem fs = pipelineDir.getFileSystem(conf);
      JsonNode metadata = metadata(fs, pipelineDir);
      if (!PIPELINE_MODEL.equals(metadata.path("class").asText())) {
        throw new ModelException(pipelineDir + " is not a saved PipelineModel: its metadata names the class '"
            + metadata.path("class").asText() + "'");
      }
      List<String> uids = new ArrayList<>();
      metadata.path("paramMap").path("stageUids").forEach(uid -> uids.add(uid.asText()));
      String format = "%0" + String.valueOf(uids.size()).length() + "d";
      List<Path> stageDirs = new ArrayList<>();
      for (int index = 0; index < uids.size(); index++) {
        stageDirs.add(new Path(new Path(pipelineDir, "stages"), String.format(format, index) + "_" + uids.get(index)));
      }
      Transformer[] stages = loadStages(fs, stageDirs, conf);
      return new PipelineModel(metadata.path("uid").asText(), stages);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the saved pipeline at " + pipelineDir, e);
    }
  }

  private static Transformer[] loadStages(FileSystem fs, List<Path> stageDirs, Configuration conf) throws IOException {
    List<String> classes = new ArrayList<>();
    for (Path dir : stageDirs) {
      classes.add(metadata(fs, dir).path("class").asText());
    }
    AtomicInteger threadCount = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(MAX_THREADS, stageDirs.size())), r -> {
      Thread thread = new Thread(r, "nightjar-load-stage-" + threadCount.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<Transformer>> loading = new ArrayList<>();
      for (int index = 0; index < stageDirs.size(); index++) {
        String className = classes.get(index);
        Path dir = stageDirs.get(index);
        loading.add(pool.submit(() -> loadStage(className, dir, conf)));
      }
      Transformer[] stages = new Transformer[stageDirs.size()];
      for (int index = 0; index < stages.length; index++) {
        stages[index] = result(loading.get(index), stageDirs.get(index));
      }
      return stages;
    } finally {
      pool.shutdownNow();
    }
  }

  private static Transformer loadStage(String className, Path dir, Configuration conf)
      throws ReflectiveOperationException {
    if (PIPELINE_MODEL.equals(className)) {
      return PipelineModel.load(dir.toString());
    }
    // What Spark's own pipeline reader does: the class's static read(), then load(path). A stage that is only params
    // (its reader is exactly Spark's DefaultParamsReader: a VectorAssembler, say) is built as that reader builds it,
    // from the same metadata, but read on the driver rather than by a Spark job.
    // Spark's stages with small data are built as their readers build them, the data read on the driver
    // (DriverStages).
    Optional<Transformer> small = DriverStages.handles(className) ? DriverStages.load(className, dir, conf)
        : Optional.empty();
    if (small.isPresent()) {
      return small.get();
    }
    MLReader<?> reader = (MLReader<?>) Class.forName(className).getMethod("read").invoke(null);
    Object stage = reader.getClass() == DefaultParamsReader.class ? SavedParams.load(dir, conf, className)
        : reader.load(dir.toString());
    if (!(stage instanceof Transformer transformer)) {
      throw new ModelException("the saved stage " + dir + " is a " + className + ", not a fitted transformer");
    }
    return transformer;
  }

  private static Transformer result(Future<Transformer> future, Path dir) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException("interrupted while loading the saved stage " + dir, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof java.lang.reflect.InvocationTargetException invoked
          ? invoked.getCause() : e.getCause();
      if (cause instanceof ModelException model) {
        throw model;
      }
      throw new ModelException("cannot load the saved stage " + dir + ": " + cause, cause);
    }
  }

  /** The JSON of a saved stage's or pipeline's {@code metadata/part-*} file. */
  private static JsonNode metadata(FileSystem fs, Path dir) throws IOException {
    return JSON.readTree(SavedParams.metadataText(fs, dir));
  }
}

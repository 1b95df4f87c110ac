package io.nightjar.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightjar.error.ModelException;
import io.nightjar.pipeline.stage.SavedParams;
import java.io.IOException;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Checks every class a saved pipeline's metadata names before {@code PipelineModel.load} sees it. Spark's loader
 * instantiates whatever class the metadata names; a crafted model directory must not be able to choose.
 */
public final class StageAllowList {
  /** Exactly the stages Nightjar's pipelines are made of. */
  static final Set<String> ALLOWED = Set.of(
      "org.apache.spark.ml.PipelineModel",
      "org.apache.spark.ml.feature.StringIndexerModel",
      "org.apache.spark.ml.feature.ImputerModel",
      "org.apache.spark.ml.feature.OneHotEncoderModel",
      "org.apache.spark.ml.feature.VectorAssembler",
      "org.apache.spark.ml.regression.LinearRegressionModel",
      "org.apache.spark.ml.classification.LogisticRegressionModel",
      "org.apache.spark.ml.recommendation.ALSModel",
      "io.nightjar.pipeline.stage.BiasModel",
      "io.nightjar.pipeline.stage.PredictionCombiner");

  private static final ObjectMapper JSON = new ObjectMapper();

  private StageAllowList() {}

  public static void check(FileSystem fileSystem, Path pipelineDir) {
    FileSystem fs = ModelDigests.raw(fileSystem);
    try {
      String root = className(fs, pipelineDir);
      if (!"org.apache.spark.ml.PipelineModel".equals(root)) {
        throw refused(pipelineDir, root);
      }
      Path stages = new Path(pipelineDir, "stages");
      if (fs.exists(stages)) {
        for (FileStatus stage : fs.listStatus(stages)) {
          if (stage.isDirectory()) {
            String name = className(fs, stage.getPath());
            if (!ALLOWED.contains(name)) {
              throw refused(stage.getPath(), name);
            }
            if ("org.apache.spark.ml.PipelineModel".equals(name)) {
              check(fs, stage.getPath());
            }
          }
        }
      }
    } catch (IOException e) {
      throw new ModelException("cannot read the metadata of the saved pipeline " + pipelineDir + ": "
          + e.getMessage(), e);
    }
  }

  private static ModelException refused(Path where, String className) {
    return new ModelException(String.format("refusing to load %s: its metadata names the class '%s', which is not "
        + "one of Nightjar's pipeline stages; this model directory was not written by Nightjar", where, className));
  }

  private static String className(FileSystem fs, Path stageDir) throws IOException {
    JsonNode node = JSON.readTree(SavedParams.metadataText(fs, stageDir));
    return node == null || node.get("class") == null ? "<none>" : node.get("class").asText();
  }
}

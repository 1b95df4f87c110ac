package io.nightjar.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.error.ModelException;
import io.nightjar.pipeline.PipelineFactory;
import io.nightjar.pipeline.TabularFeatures;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.JobSpecLoader;
import io.nightjar.testing.Fixtures;
import io.nightjar.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineLoaderTest extends SparkTestBase {
  private static final String ALS = """
      name: t
      kind: als
      input: {path: unused}
      columns: {user: user_id, item: item_id, rating: rating}
      params: {rank: 3, maxIter: 4}
      model: {store: unused}
      """;
  private static final String TABULAR = """
      name: t
      kind: elasticnet
      input: {path: unused}
      columns: {label: price}
      model: {store: unused}
      """;

  @TempDir
  Path dir;

  private static JobSpec spec(String yaml) {
    return JobSpecLoader.load("t.yaml", yaml, List.of());
  }

  /** Loaded in parallel, the pipeline has the same stages and scores the same as with PipelineModel.load. */
  private void assertLoadsLikeSpark(PipelineModel fitted, Dataset<Row> data) throws IOException {
    String path = dir.resolve("pipeline").toString();
    fitted.write().save(path);
    PipelineModel ours = PipelineLoader.load(new org.apache.hadoop.fs.Path(path), new Configuration());
    PipelineModel spark = PipelineModel.load(path);
    assertEquals(spark.uid(), ours.uid());
    assertArrayEquals(Stream.of(spark.stages()).map(Transformer::uid).toArray(),
        Stream.of(ours.stages()).map(Transformer::uid).toArray());
    assertArrayEquals(Stream.of(spark.stages()).map(s -> s.getClass().getName()).toArray(),
        Stream.of(ours.stages()).map(s -> s.getClass().getName()).toArray());
    List<Row> expected = spark.transform(data).select("prediction").collectAsList();
    assertEquals(expected, ours.transform(data).select("prediction").collectAsList());
    assertTrue(expected.size() > 10);
  }

  @Test
  void loadsAnAlsPipelineWithNightjarsOwnStages() throws IOException {
    spark.sparkContext().setCheckpointDir(dir.resolve("checkpoints").toString());
    Dataset<Row> ratings = Fixtures.ratings(spark, 20, 15, 0.5, 3);
    assertLoadsLikeSpark(PipelineFactory.build(spec(ALS), null).fit(ratings), ratings);
  }

  @Test
  void loadsAnElasticNetPipeline() throws IOException {
    Dataset<Row> homes = Fixtures.homes(spark, 300, 3);
    JobSpec spec = spec(TABULAR);
    TabularFeatures features = TabularFeatures.resolve(spec.tabularColumns(), homes.schema(), Set.of());
    assertLoadsLikeSpark(PipelineFactory.build(spec, features).fit(homes), homes);
  }

  @Test
  void aMissingStageIsAModelErrorNamingIt() throws IOException {
    Dataset<Row> homes = Fixtures.homes(spark, 100, 3);
    JobSpec spec = spec(TABULAR);
    TabularFeatures features = TabularFeatures.resolve(spec.tabularColumns(), homes.schema(), Set.of());
    Path pipeline = dir.resolve("broken");
    PipelineFactory.build(spec, features).fit(homes).write().save(pipeline.toString());
    Path stage;
    try (Stream<Path> stages = Files.list(pipeline.resolve("stages"))) {
      stage = stages.filter(p -> p.getFileName().toString().startsWith("1_")).findFirst().orElseThrow();
    }
    try (Stream<Path> files = Files.walk(stage)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    ModelException e = assertThrows(ModelException.class,
        () -> PipelineLoader.load(new org.apache.hadoop.fs.Path(pipeline.toString()), new Configuration()));
    assertTrue(e.getMessage().contains(stage.getFileName().toString()), e.getMessage());
  }
}

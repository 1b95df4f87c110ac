package io.nightjar.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightjar.error.ModelException;
import io.nightjar.pipeline.PipelineFactory;
import io.nightjar.run.RunReport;
import io.nightjar.score.Scorer;
import io.nightjar.score.Scorers;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.JobSpecLoader;
import io.nightjar.store.ModelStore;
import io.nightjar.testing.Fixtures;
import io.nightjar.testing.SparkTestBase;
import io.nightjar.testing.TestFiles;
import io.nightjar.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ALS version keeps its compiled scorer's lookup tables beside the pipeline: predict scores with them while the
 * pipeline loads, refuses tables that do not match the manifest, and publishes only when the loaded pipeline
 * compiles to the same tables.
 */
class AlsSavedScorerTest extends SparkTestBase {
  private static final String DAY = "2026-11-20";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;

  @BeforeAll
  static void train() {
    Fixtures.ratings(spark, 30, 20, 0.5, 31).write().parquet(dir.resolve("ratings-a").toString());
    new Trainer(spark, null).train(job("unused", "a"));
  }

  /** The job of model {@code model}, scoring {@code <dir>/<name>/in}. */
  private static JobSpec job(String name, String model, String... overrides) {
    List<String> all = new ArrayList<>(List.of(
        "predict.input.path=" + dir.resolve(name).resolve("in"),
        "predict.output.path=" + dir.resolve(name).resolve("out")));
    all.addAll(List.of(overrides));
    return JobSpecLoader.load("test", """
        name: ratings
        kind: als
        input: {path: %1$s/ratings-%2$s}
        columns: {user: user_id, item: item_id, rating: rating}
        params: {rank: 3, maxIter: 4, numUserBlocks: 2, numItemBlocks: 2}
        model: {store: %1$s/models/%2$s}
        maxRejectedFraction: 0.5
        predict: {input: {path: x}, output: {path: y}}
        """.formatted(dir, model), all);
  }

  /** Known and unseen users and items: every cold-start case. */
  private static void writeBatch(String name) {
    Dataset<Row> known = spark.read().parquet(dir.resolve("ratings-a").toString()).select("user_id", "item_id");
    Dataset<Row> unseen = known.limit(20).select(functions.concat(functions.col("user_id"), functions.lit("x"))
        .as("user_id"), functions.concat(functions.col("item_id"), functions.lit("y")).as("item_id"));
    Dataset<Row> mixed = known.limit(20).select(functions.col("user_id"),
        functions.concat(functions.col("item_id"), functions.lit("y")).as("item_id"));
    known.union(unseen).union(mixed).repartition(2)
        .write().parquet(dir.resolve(name).resolve("in").resolve("ds=" + DAY).toString());
  }

  private static PredictResult predict(JobSpec job) {
    return new Predictor(spark, Optional.empty()).predict(job, Optional.empty(), Optional.empty());
  }

  private static Path versionDir(Path store) throws IOException {
    return store.resolve(Files.readString(store.resolve(ModelStore.CURRENT)).trim());
  }

  /** A copy of model {@code a}'s store, its current version changed by {@code edit}. */
  private static String copyOfA(String name, Consumer<Path> edit) throws IOException {
    Path copy = dir.resolve("models").resolve(name);
    TestFiles.copyTree(dir.resolve("models/a"), copy);
    edit.accept(versionDir(copy));
    return copy.toString();
  }

  private static ObjectNode manifest(Path version) {
    try {
      return (ObjectNode) JSON.readTree(version.resolve(ModelStore.MANIFEST).toFile());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void writeManifest(Path version, ObjectNode json) {
    try {
      Files.write(version.resolve(ModelStore.MANIFEST), JSON.writeValueAsBytes(json));
      Files.deleteIfExists(version.resolve("." + ModelStore.MANIFEST + ".crc"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Path tables(Path version) {
    return version.resolve(ModelStore.SCORER).resolve("tables.bin");
  }

  private static List<Row> scores(String name) {
    Dataset<Row> written = spark.read().parquet(dir.resolve(name).resolve("out").toString());
    Column[] all = Arrays.stream(written.columns()).map(functions::col).toArray(Column[]::new);
    return written.select(all).orderBy(all).collectAsList();
  }

  private static void assertNothingPublished(String name) throws IOException {
    Path out = dir.resolve(name).resolve("out");
    if (Files.exists(out)) {
      try (var left = Files.list(out)) {
        assertEquals(List.of(), left.map(p -> p.getFileName().toString())
            .filter(n -> !n.startsWith("_") && !n.startsWith(".")).toList(), "nothing was published");
      }
    }
  }

  @Test
  void theManifestNamesTheTablesAndRecordsTheirDigest() throws Exception {
    Path version = versionDir(dir.resolve("models/a"));
    JsonNode json = manifest(version);
    JsonNode scorer = json.get("scorer");
    assertEquals("als-factor-tables", scorer.get("kind").asText(), scorer.toString());
    assertEquals(3, scorer.get("rank").asInt());
    assertEquals(30, scorer.get("users").asInt(), "every user of the training data");
    assertEquals(20, scorer.get("items").asInt(), "every item of the training data");
    byte[] bytes = Files.readAllBytes(tables(version));
    assertEquals(bytes.length, scorer.get("bytes").asInt());
    String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    assertEquals(digest, scorer.get("sha256").asText());
    assertEquals(digest, json.get("scorerFiles").get("tables.bin").asText(), "the store's digest of the file");
  }

  @Test
  void scoresWithTheSavedTablesEqualThePipelinesOwn() {
    writeBatch("early");
    writeBatch("transform");
    RunReport early = predict(job("early", "a")).report();
    RunReport transform = predict(job("transform", "a", "predict.scoring=spark")).report();
    assertEquals("compiled", early.scoring());
    assertEquals("spark", transform.scoring());
    assertEquals(transform.rowsRead(), early.rowsScored(), "every row scored");
    assertEquals(transform.coldStart(), early.coldStart());
    List<Row> expected = scores("transform");
    assertEquals(early.rowsScored(), expected.size());
    assertEquals(expected, scores("early"), "bit for bit the pipeline's scores");
  }

  @Test
  void tablesOfAnotherModelAreScoredButNothingIsPublished() throws IOException {
    // Another model's tables and their digests, put in a's version: the version verifies, the scoring pass runs
    // with those tables, and a's loaded pipeline then compiles to other tables.
    spark.sparkContext().setCheckpointDir(dir.resolve("checkpoints").toString());
    Scorer other = Scorers.savableAlsScorer(PipelineFactory.build(job("unused", "a", "params.regParam=0.5"), null)
        .fit(Fixtures.ratings(spark, 30, 20, 0.5, 32))).orElseThrow();
    byte[] data = other.data().orElseThrow();
    String store = copyOfA("swapped", version -> {
      try {
        Files.write(tables(version), data);
        Files.deleteIfExists(tables(version).resolveSibling(".tables.bin.crc"));
        ObjectNode json = manifest(version);
        json.set("scorer", other.parameters().orElseThrow());
        json.putObject("scorerFiles").put("tables.bin",
            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
        writeManifest(version, json);
      } catch (IOException | java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    });
    writeBatch("swapped");
    ModelException e = assertThrows(ModelException.class, () -> predict(job("swapped", "a", "model.store=" + store)));
    assertTrue(e.getMessage().contains("is not the one its saved pipeline compiles to (their parameters differ), so "
        + "nothing was published"), e.getMessage());
    assertNothingPublished("swapped");
  }

  @Test
  void changedOrMissingTablesAreRefusedBeforeAnythingIsScored() throws IOException {
    String changed = copyOfA("changed", version -> {
      try {
        byte[] bytes = Files.readAllBytes(tables(version));
        bytes[bytes.length - 1] ^= 1;
        Files.write(tables(version), bytes);
        Files.deleteIfExists(tables(version).resolveSibling(".tables.bin.crc"));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    String missing = copyOfA("missing", version -> {
      try {
        TestFiles.deleteTree(version.resolve(ModelStore.SCORER));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    for (String[] run : new String[][] {{"changed", changed}, {"missing", missing}}) {
      writeBatch(run[0]);
      ModelException e = assertThrows(ModelException.class, () -> predict(job(run[0], "a", "model.store=" + run[1])));
      assertTrue(e.getMessage().contains("does not match its manifest: " + run[0] + " ../scorer/tables.bin"),
          e.getMessage());
      assertNothingPublished(run[0]);
    }
  }

  @Test
  void withoutUsableTablesPredictWaitsForThePipelineAndScoresAlike() throws IOException {
    // As a version saved before the tables existed: no scorer, no scorer files. And one whose scorer this release
    // cannot read (a later format): both score once the pipeline has loaded.
    String older = copyOfA("older", version -> {
      ObjectNode json = manifest(version);
      json.remove("scorer");
      json.remove("scorerFiles");
      writeManifest(version, json);
      try {
        TestFiles.deleteTree(version.resolve(ModelStore.SCORER));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    String later = copyOfA("later", version -> {
      ObjectNode json = manifest(version);
      ((ObjectNode) json.get("scorer")).put("format", 99);
      writeManifest(version, json);
    });
    writeBatch("reference");
    predict(job("reference", "a"));
    List<Row> expected = scores("reference");
    for (String[] run : new String[][] {{"older", older}, {"later", later}}) {
      writeBatch(run[0]);
      RunReport report = predict(job(run[0], "a", "model.store=" + run[1])).report();
      assertEquals("compiled", report.scoring());
      assertEquals(expected, scores(run[0]), run[0] + ": the same scores");
    }
  }
}

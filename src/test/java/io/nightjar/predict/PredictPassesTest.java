package io.nightjar.predict;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightjar.error.InputDataException;
import io.nightjar.error.ModelException;
import io.nightjar.error.JobSpecException;
import io.nightjar.run.OutputLayout;
import io.nightjar.run.RunReport;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.JobSpecLoader;
import io.nightjar.store.ModelStore;
import io.nightjar.testing.Fixtures;
import io.nightjar.testing.SparkTestBase;
import io.nightjar.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Predict reads the batch once when every row scores, counts rows from Parquet footers, controls the files per
 * partition, and publishes nothing unless every check passes.
 */
class PredictPassesTest extends SparkTestBase {
  private static final String DAY = "2026-11-20";
  private static final String DAY2 = "2026-11-21";

  @TempDir
  static Path dir;

  private static String modelStore;
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void train() {
    Fixtures.homes(spark, 300, 32).write().parquet(dir.resolve("homes").toString());
    modelStore = dir.resolve("models/homes").toString();
    new Trainer(spark, null).train(job("unused", "maxRejectedFraction=0.5"));
  }

  private static JobSpec job(String name, String... overrides) {
    List<String> all = new ArrayList<>(List.of(
        "predict.input.path=" + dir.resolve(name).resolve("in"),
        "predict.output.path=" + dir.resolve(name).resolve("out")));
    all.addAll(List.of(overrides));
    return JobSpecLoader.load("test", """
        name: homes
        kind: elasticnet
        input: {path: %s}
        columns: {label: price}
        model: {store: %s}
        maxRejectedFraction: 0.5
        predict: {input: {path: x}, output: {path: y}}
        """.formatted(dir.resolve("homes"), modelStore), all);
  }

  private static Dataset<Row> batch(int rows, long seed) {
    return Fixtures.homes(spark, rows, seed).drop("price");
  }

  private static void writeBatch(Dataset<Row> rows, String name, String day, int files) {
    rows.repartition(files).write().mode(SaveMode.Append)
        .parquet(dir.resolve(name).resolve("in").resolve("ds=" + day).toString());
  }

  private static PredictResult predictAll(JobSpec job) {
    return new Predictor(spark, Optional.empty()).predict(job, Optional.empty(), Optional.empty());
  }

  private static long count(List<String> jobs, String phase) {
    return jobs.stream().filter(d -> d.endsWith(": " + phase)).count();
  }

  private static List<String> dataFiles(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet")).sorted().toList();
    }
  }

  @Test
  void aSmallBatchScoresInterpretedExactlyAsWithGeneratedCode() {
    writeBatch(batch(80, 9), "interpreted", DAY, 2);
    writeBatch(batch(80, 9), "generated", DAY, 2);
    new Predictor(spark, Optional.empty()).predict(job("interpreted"), Optional.empty(), Optional.empty());
    assertEquals(null, spark.conf().get("spark.sql.codegen.factoryMode", null), "the session is as before");
    new Predictor(spark, Optional.empty(), -1).predict(job("generated"), Optional.empty(), Optional.empty());
    Dataset<Row> interpreted = spark.read().parquet(dir.resolve("interpreted/out").toString());
    Dataset<Row> generated = spark.read().parquet(dir.resolve("generated/out").toString());
    org.apache.spark.sql.Column[] order = java.util.Arrays.stream(generated.columns())
        .map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new);
    List<Row> expected = generated.orderBy(order).collectAsList();
    assertEquals(80, expected.size());
    assertEquals(expected, interpreted.select(order).orderBy(order).collectAsList());
  }

  @Test
  void aCleanBatchIsReadOnceAndCountedFromFooters() {
    writeBatch(batch(40, 1), "clean", DAY, 3);
    writeBatch(batch(25, 2), "clean", DAY2, 2);
    List<String> jobs = jobsDuring(() -> {
      RunReport report = predictAll(job("clean")).report();
      assertEquals(65, report.rowsRead());
      assertEquals(65, report.rowsScored());
      assertEquals(List.of(40L, 25L), report.partitions().stream().map(RunReport.PartitionReport::rowsScored)
          .toList());
      assertTrue(report.phaseMillis().containsKey("load model"), report.phaseMillis().toString());
    });
    assertEquals(1, count(jobs, "score and write"), jobs.toString());
    assertEquals(0, count(jobs, "write rejected rows"), jobs.toString());
    // The batch's schema comes from one Parquet footer read on the driver: no Spark job before the scoring pass.
    assertEquals(0, count(jobs, "read batch"), jobs.toString());
    List<String> afterLoad = jobs.stream().filter(d -> !d.contains(": load model") && !d.endsWith(": read batch"))
        .toList();
    assertEquals(1, afterLoad.size(), "only the scoring write reads the batch: " + jobs);
    assertEquals(65, spark.read().parquet(dir.resolve("clean/out").toString()).count());
    assertFalse(Files.exists(dir.resolve("clean/out").resolve(OutputLayout.STAGING)), "staging removed");
  }

  @ParameterizedTest(name = "interpreted up to {0} bytes")
  @ValueSource(longs = {Predictor.INTERPRETED_BATCH_BYTES, -1})
  void rejectedRowsTakeASecondPassAndAreAccountedFor(long interpretedBytes) {
    // Interpreted, the pass is split in two by an observation; with generated code small enough for the JIT, it is
    // one stage. Both count the same rows.
    String name = "rejects" + interpretedBytes;
    writeBatch(batch(30, 3).withColumn("sqft", lit(Double.POSITIVE_INFINITY)).limit(4).union(batch(26, 4)),
        name, DAY, 2);
    List<String> jobs = jobsDuring(() -> {
      RunReport report = new Predictor(spark, Optional.empty(), interpretedBytes)
          .predict(job(name), Optional.empty(), Optional.empty()).report();
      assertEquals(30, report.rowsRead());
      assertEquals(26, report.rowsScored());
      assertEquals(Map.of("infinite_sqft", 4L), report.rejectedByReason());
    });
    assertEquals(1, count(jobs, "score and write"), jobs.toString());
    assertTrue(count(jobs, "write rejected rows") >= 1, jobs.toString());
    assertEquals(26, spark.read().parquet(dir.resolve(name).resolve("out").toString()).count());
  }

  @ParameterizedTest(name = "interpreted up to {0} bytes")
  @ValueSource(longs = {Predictor.INTERPRETED_BATCH_BYTES, -1})
  void filesPerPartitionBoundsTheFilesOfEachDate(long interpretedBytes) throws IOException {
    String name = "spread" + interpretedBytes;
    writeBatch(batch(60, 5), name, DAY, 6);
    writeBatch(batch(50, 6), name, DAY2, 5);
    Predictor predictor = new Predictor(spark, Optional.empty(), interpretedBytes);
    RunReport natural = predictor.predict(job(name), Optional.empty(), Optional.empty()).report();
    assertEquals(List.of(dataFiles(dir.resolve(name + "/out/ds=" + DAY)).size(),
        dataFiles(dir.resolve(name + "/out/ds=" + DAY2)).size()),
        natural.partitions().stream().map(RunReport.PartitionReport::filesWritten).toList());
    RunReport two = predictor.predict(job(name, "predict.filesPerPartition=2"), Optional.empty(), Optional.empty())
        .report();
    for (RunReport.PartitionReport p : two.partitions()) {
      int files = dataFiles(dir.resolve(name + "/out/ds=" + p.value())).size();
      assertEquals(files, p.filesWritten(), p.value());
      assertTrue(files >= 1 && files <= 2, p.value() + ": " + files + " files");
    }
    assertEquals(110, two.rowsScored());
    assertEquals(110, spark.read().parquet(dir.resolve(name + "/out").toString()).count());
  }

  @Test
  void aNonFiniteScoreFailsTheRunAndKeepsTheDatesEarlierScores() throws IOException {
    writeBatch(batch(10, 7), "overflow", DAY, 1);
    predictAll(job("overflow"));
    List<String> before = dataFiles(dir.resolve("overflow/out/ds=" + DAY));
    Files.walk(dir.resolve("overflow/in")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile()
        .delete());
    // Finite inputs whose score overflows a double: not a reject, a score the model cannot give.
    writeBatch(batch(10, 8).withColumn("sqft", lit(1e308)), "overflow", DAY, 1);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> predictAll(job("overflow")));
    assertTrue(e.getMessage().contains("10 scores are not finite; nothing was published"), e.getMessage());
    assertEquals(before, dataFiles(dir.resolve("overflow/out/ds=" + DAY)), "earlier scores untouched");
    assertFalse(Files.exists(dir.resolve("overflow/out/ds=" + DAY).resolve(OutputLayout.MARKER)));
  }

  @Test
  void scoresTheFootersCannotShowFiniteAreCountedOnceAndTheRunPublishes() {
    writeBatch(batch(30, 14), "nostats", DAY, 2);
    org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    hadoop.set("parquet.column.statistics.enabled", "false");
    List<String> jobs;
    try {
      jobs = jobsDuring(() -> assertEquals(30, predictAll(job("nostats")).report().rowsScored()));
    } finally {
      hadoop.unset("parquet.column.statistics.enabled");
    }
    assertTrue(count(jobs, "count scores that are not finite") > 0, jobs.toString());
    assertEquals(1, count(jobs, "score and write"), "the batch is not read again: " + jobs);
    assertTrue(Files.exists(dir.resolve("nostats/out/ds=" + DAY).resolve(OutputLayout.MARKER)), "published");
  }

  @Test
  void tooManyRejectedRowsKeepTheDatesEarlierScores() throws IOException {
    writeBatch(batch(10, 9), "toomany", DAY, 1);
    predictAll(job("toomany"));
    List<String> before = dataFiles(dir.resolve("toomany/out/ds=" + DAY));
    writeBatch(batch(10, 10).withColumn("sqft", lit(Double.NEGATIVE_INFINITY)), "toomany", DAY, 1);
    InputDataException e = assertThrows(InputDataException.class,
        () -> predictAll(job("toomany", "maxRejectedFraction=0.1")));
    assertTrue(e.getMessage().startsWith("10 of 20 batch rows cannot be scored"), e.getMessage());
    assertEquals(before, dataFiles(dir.resolve("toomany/out/ds=" + DAY)), "earlier scores untouched");
    assertEquals(10, spark.read().parquet(dir.resolve("toomany/out/_rejected").toString()).count());
  }

  /**
   * A copy of the trained store under {@code name}, its CURRENT manifest changed by {@code edit} (the model is
   * unsigned, so no signature needs redoing; the manifest's Hadoop checksum file is dropped with the old bytes).
   */
  private static String storeWithManifest(String name, java.util.function.Consumer<ObjectNode> edit)
      throws IOException {
    Path copy = dir.resolve("models").resolve(name);
    io.nightjar.testing.TestFiles.copyTree(Path.of(modelStore), copy);
    Path versionDir = copy.resolve(Files.readString(copy.resolve(ModelStore.CURRENT)).trim());
    Path manifest = versionDir.resolve(ModelStore.MANIFEST);
    ObjectNode json = (ObjectNode) JSON.readTree(manifest.toFile());
    edit.accept(json);
    Files.write(manifest, JSON.writeValueAsBytes(json));
    Files.deleteIfExists(versionDir.resolve("." + ModelStore.MANIFEST + ".crc"));
    return copy.toString();
  }

  private static List<Row> scores(String name) {
    Dataset<Row> written = spark.read().parquet(dir.resolve(name).resolve("out").toString());
    org.apache.spark.sql.Column[] all = java.util.Arrays.stream(written.columns())
        .map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new);
    return written.select(all).orderBy(all).collectAsList();
  }

  @Test
  void aScorerInTheManifestThatThePipelineDoesNotCompileToPublishesNothing() throws IOException {
    String store = storeWithManifest("tampered-scorer", json -> {
      ObjectNode scorer = (ObjectNode) json.get("scorer");
      scorer.put("intercept", scorer.get("intercept").doubleValue() + 1000);
    });
    writeBatch(batch(40, 13), "tampered-scorer", DAY, 2);
    ModelException e = assertThrows(ModelException.class,
        () -> predictAll(job("tampered-scorer", "model.store=" + store)));
    assertTrue(e.getMessage().contains("is not the one its saved pipeline compiles to (their parameters differ), so "
        + "nothing was published"), e.getMessage());
    Path out = dir.resolve("tampered-scorer/out");
    assertFalse(Files.exists(out.resolve("ds=" + DAY)), "no scores of the date were published");
    try (var left = Files.list(out)) {
      assertEquals(List.of(), left.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("_") && !n.startsWith(".")).toList(), "nothing else either");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"absent", "unreadable"})
  void withoutAReadableScorerInTheManifestPredictWaitsForThePipelineAndScoresAlike(String how) throws IOException {
    String original = storeWithManifest("scorer-kept-" + how, json -> { });
    String store = storeWithManifest("scorer-" + how, json -> {
      if (how.equals("absent")) {
        json.remove("scorer");
      } else {
        ((ObjectNode) json.get("scorer")).put("format", 99);
      }
    });
    for (String name : List.of("scorer-kept-" + how, "scorer-" + how)) {
      writeBatch(batch(60, 17), name, DAY, 2);
      writeBatch(batch(50, 18), name, DAY2, 1);
    }
    RunReport early = predictAll(job("scorer-kept-" + how, "model.store=" + original)).report();
    RunReport waited = predictAll(job("scorer-" + how, "model.store=" + store)).report();
    assertEquals(110, early.rowsScored());
    assertEquals(110, waited.rowsScored());
    assertEquals("compiled", waited.scoring());
    List<Row> expected = scores("scorer-kept-" + how);
    assertEquals(110, expected.size());
    assertEquals(expected, scores("scorer-" + how), "the same scores either way");
  }

  @Test
  void theManifestOfAnElasticNetVersionDescribesItsCompiledScorer() throws IOException {
    Path store = Path.of(modelStore);
    Path manifest = store.resolve(Files.readString(store.resolve(ModelStore.CURRENT)).trim())
        .resolve(ModelStore.MANIFEST);
    com.fasterxml.jackson.databind.JsonNode scorer = JSON.readTree(manifest.toFile()).get("scorer");
    assertEquals(1, scorer.get("format").asInt());
    assertTrue(scorer.get("terms").size() > 0, scorer.toString());
    assertTrue(scorer.get("intercept").isNumber(), scorer.toString());
  }

  @Test
  void footersCountRowsAndFilesPerPartition() {
    Path root = dir.resolve("footers");
    batch(7, 11).withColumn("ds", lit("a")).repartition(3).write().partitionBy("ds").parquet(root.toString());
    batch(5, 12).withColumn("ds", lit("b")).coalesce(1).write().mode(SaveMode.Append).partitionBy("ds")
        .parquet(root.toString());
    Map<String, WrittenFiles.Counts> counts = WrittenFiles.underRoot(new org.apache.hadoop.fs.Path(root.toString()),
        "ds", Set.of(), new Configuration()).counts();
    assertEquals(Map.of("a", new WrittenFiles.Counts(7, 3), "b", new WrittenFiles.Counts(5, 1)), counts);
  }

  @Test
  void columnsTheBatchStoresWithoutADictionaryAreCopiedWithoutOne() throws IOException {
    // age (under 60 distinct values in 200 rows a file) is one Parquet would store with a dictionary; the batch's
    // writer chose not to, and the copy follows it. region keeps its dictionary.
    Path in = dir.resolve("plain").resolve("in").resolve("ds=" + DAY);
    batch(400, 13).repartition(2).write().option("parquet.enable.dictionary#age", "false").parquet(in.toString());
    Set<String> plainIn = dictionaryFree(in);
    assertTrue(plainIn.contains("age") && !plainIn.contains("region"), "as written: " + plainIn);
    predictAll(job("plain"));
    Path out = dir.resolve("plain").resolve("out").resolve("ds=" + DAY);
    Set<String> expected = new java.util.TreeSet<>(plainIn);
    expected.add("prediction");
    assertEquals(expected, dictionaryFree(out), "as the batch stores them, and the score never with a dictionary");
    assertEquals(batch(400, 13).select("age").orderBy("age").collectAsList(),
        spark.read().parquet(out.toString()).select("age").orderBy("age").collectAsList());
  }

  /** The columns of which no data page in any Parquet file directly under {@code dir} is dictionary-encoded. */
  private static Set<String> dictionaryFree(Path dir) throws IOException {
    Set<String> plain = new java.util.TreeSet<>();
    Set<String> dictionary = new java.util.TreeSet<>();
    for (String name : dataFiles(dir)) {
      var file = org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
          new org.apache.hadoop.fs.Path(dir.resolve(name).toString()), new Configuration());
      try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(file)) {
        for (var block : reader.getFooter().getBlocks()) {
          for (var chunk : block.getColumns()) {
            String column = chunk.getPath().toDotString();
            (chunk.getEncodingStats().hasDictionaryEncodedPages() ? dictionary : plain).add(column);
          }
        }
      }
    }
    plain.removeAll(dictionary);
    return plain;
  }

  @Test
  void filesPerPartitionMustBeAPositiveCountOrZero() {
    JobSpecException e = assertThrows(JobSpecException.class, () -> job("x", "predict.filesPerPartition=-1"));
    assertTrue(e.getMessage().contains("filesPerPartition"), e.getMessage());
    assertEquals(4, job("x", "predict.filesPerPartition=4").predict().filesPerPartition());
    assertEquals(0, job("x").predict().filesPerPartition());
  }

  @Test
  void outputColumnsKeepOnlyTheNamedBatchColumnsBesideTheScores() {
    writeBatch(batch(45, 11), "narrow", DAY, 3);
    writeBatch(batch(35, 12), "narrow", DAY2, 2);
    RunReport full = predictAll(job("narrow")).report();
    List<Double> fullScores = spark.read().parquet(dir.resolve("narrow/out").toString()).orderBy("prediction")
        .select("prediction").as(org.apache.spark.sql.Encoders.DOUBLE()).collectAsList();
    RunReport narrow = predictAll(job("narrow", "predict.output.columns=[region, age]",
        "predict.filesPerPartition=2")).report();
    Dataset<Row> written = spark.read().parquet(dir.resolve("narrow/out").toString());
    assertEquals(List.of("region", "age", "prediction", "model_version", "ds"), List.of(written.columns()));
    assertEquals(full.rowsScored(), narrow.rowsScored());
    assertEquals(80, narrow.rowsScored());
    assertEquals(fullScores, written.orderBy("prediction").select("prediction")
        .as(org.apache.spark.sql.Encoders.DOUBLE()).collectAsList());
  }

  @Test
  void anOutputColumnTheBatchLacksIsRefusedBeforeAnythingIsWritten() {
    writeBatch(batch(10, 13), "missing", DAY, 1);
    JobSpecException e = assertThrows(JobSpecException.class,
        () -> predictAll(job("missing", "predict.output.columns=[region, house_id]")));
    assertTrue(e.getMessage().contains("'house_id'") && e.getMessage().contains("region"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("missing/out").resolve("ds=" + DAY)), "nothing written");
  }

  @Test
  void thePartitionColumnIsNotAnOutputColumnToName() {
    JobSpecException e = assertThrows(JobSpecException.class,
        () -> job("unused", "predict.output.columns=[region, ds]"));
    assertTrue(e.getMessage().contains("columns") && e.getMessage().contains("always written"), e.getMessage());
  }
}

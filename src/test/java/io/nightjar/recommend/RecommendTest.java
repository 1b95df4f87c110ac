package io.nightjar.recommend;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.error.JobSpecException;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.JobSpecLoader;
import io.nightjar.spec.RecommendSpec;
import io.nightjar.store.ModelStore;
import io.nightjar.testing.Fixtures;
import io.nightjar.testing.SparkTestBase;
import io.nightjar.train.TrainResult;
import io.nightjar.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recommend verb on a real trained pipeline, checked against scoring every (user, item) pair. */
class RecommendTest extends SparkTestBase {
  private static final LocalDate DAY1 = LocalDate.parse("2026-11-20");
  private static final LocalDate DAY2 = LocalDate.parse("2026-11-21");
  private static final int USERS = 40;
  private static final int ITEMS = 30;

  @TempDir
  static Path dir;

  private static JobSpec spec;
  private static TrainResult trained;
  /** Every (user, item) pair the pipeline scores, by user: item to prediction. */
  private static Map<String, Map<String, Double>> allScores;
  /** The pairs of the training input, by user. */
  private static Map<String, Set<String>> seen;

  @BeforeAll
  static void train() {
    Dataset<Row> ratings = Fixtures.ratings(spark, USERS, ITEMS, 0.5, 21);
    ratings.coalesce(1).write().option("header", "true").csv(dir.resolve("train").toString());
    spark.sql("SELECT * FROM VALUES ('u003'), ('u007'), ('u007'), ('stranger'), (NULL) AS t(customer)")
        .coalesce(1).write().parquet(dir.resolve("users").toString());
    spec = JobSpecLoader.load("test", """
        name: ratings
        kind: als
        input: {path: %1$s/train, format: csv}
        columns: {user: user_id, item: item_id, rating: rating}
        params: {rank: 4, maxIter: 5, numUserBlocks: 2, numItemBlocks: 2}
        model: {store: %1$s/models}
        recommend:
          output: {path: %1$s/recs}
          k: 5
          maxFilesPerPartition: 1
        """.formatted(dir), List.of());
    trained = new Trainer(spark, null).train(spec);

    ModelStore store = ModelStore.open(spec.modelStore(), new Configuration());
    PipelineModel pipeline = PipelineModel.load(store.pipelineDir(trained.version()).toString());
    Dataset<Row> input = spark.read().option("header", "true").csv(dir.resolve("train").toString());
    Dataset<Row> pairs = input.select("user_id").distinct().crossJoin(input.select("item_id").distinct());
    allScores = new HashMap<>();
    for (Row row : pipeline.transform(pairs).select("user_id", "item_id", "prediction").collectAsList()) {
      allScores.computeIfAbsent(row.getString(0), u -> new HashMap<>()).put(row.getString(1), row.getDouble(2));
    }
    seen = new HashMap<>();
    for (Row row : input.select("user_id", "item_id").collectAsList()) {
      seen.computeIfAbsent(row.getString(0), u -> new HashSet<>()).add(row.getString(1));
    }
  }

  /** The best k items of a user by brute force, best first (ties by item id), with their predictions. */
  private static List<Map.Entry<String, Double>> bruteForce(String user, int k, boolean excludeSeen) {
    return allScores.get(user).entrySet().stream()
        .filter(e -> !excludeSeen || !seen.get(user).contains(e.getKey()))
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(k)
        .toList();
  }

  private static Map<String, List<Row>> written(LocalDate day) {
    Dataset<Row> out = spark.read().parquet(dir.resolve("recs").resolve("ds=" + day).toString());
    assertEquals(List.of("user_id", "item_id", "rank", "prediction", "model_version"), List.of(out.columns()));
    Map<String, List<Row>> byUser = new HashMap<>();
    for (Row row : out.collectAsList()) {
      byUser.computeIfAbsent(row.getString(0), u -> new ArrayList<>()).add(row);
    }
    byUser.values().forEach(rows -> rows.sort(Comparator.comparingInt(r -> r.getInt(2))));
    return byUser;
  }

  private static void assertMatchesBruteForce(Map<String, List<Row>> byUser, int k, boolean excludeSeen) {
    for (Map.Entry<String, List<Row>> user : byUser.entrySet()) {
      List<Map.Entry<String, Double>> expected = bruteForce(user.getKey(), k, excludeSeen);
      List<Row> rows = user.getValue();
      assertEquals(expected.size(), rows.size(), "items for " + user.getKey());
      for (int r = 0; r < rows.size(); r++) {
        assertEquals(r + 1, rows.get(r).getInt(2));
        assertEquals(expected.get(r).getKey(), rows.get(r).getString(1), user.getKey() + " rank " + (r + 1));
        assertEquals(expected.get(r).getValue(), rows.get(r).getDouble(3), 1e-5, user.getKey() + " rank " + (r + 1));
        assertEquals(trained.version(), rows.get(r).getString(4));
      }
    }
  }

  @Test
  void topKOfEveryUserEqualsTheBruteForceRankingWithoutSeenItems() {
    RecommendResult result = new Recommender(spark).recommend(spec, spec.recommend(), DAY1, Optional.empty());
    Map<String, List<Row>> byUser = written(DAY1);
    assertEquals(allScores.keySet(), byUser.keySet(), "every user of the model");
    assertMatchesBruteForce(byUser, 5, true);
    for (Map.Entry<String, List<Row>> user : byUser.entrySet()) {
      for (Row row : user.getValue()) {
        assertFalse(seen.get(user.getKey()).contains(row.getString(1)), "seen item " + row + " recommended");
      }
    }
    RecommendReport report = result.report();
    assertEquals(USERS, report.usersRequested());
    assertEquals(USERS, report.usersKnown());
    assertEquals(0, report.usersUnknown());
    assertEquals(byUser.values().stream().mapToLong(List::size).sum(), report.rowsWritten());
    assertEquals(1, report.filesWritten(), "maxFilesPerPartition 1");
    assertTrue(Files.exists(dir.resolve("recs").resolve("ds=" + DAY1).resolve("_NIGHTJAR_SUCCESS")));
    assertTrue(Files.exists(dir.resolve("recs").resolve("_runs").resolve(report.runId() + ".json")));
  }

  @Test
  void includingSeenItemsRanksEveryItem() {
    RecommendSpec settings = spec.recommend().withExcludeSeen(false).withK(7);
    new Recommender(spark).recommend(spec, settings, DAY2, Optional.empty());
    Map<String, List<Row>> byUser = written(DAY2);
    assertMatchesBruteForce(byUser, 7, false);
    // User u000 rates everything 5: with seen items included, some of its recommendations are items it rated.
    assertTrue(byUser.get("u000").stream().anyMatch(r -> seen.get("u000").contains(r.getString(1))));
  }

  @Test
  void aUsersListRestrictsTheOutputAndUnknownUsersGetTheBaseline() {
    RecommendSpec base = spec.recommend();
    RecommendSpec settings = new RecommendSpec(base.outputPath(), 3, true,
        new io.nightjar.spec.InputSpec(dir.resolve("users").toString(), "parquet", Map.of(), null), "customer",
        base.partition(), 1);
    LocalDate day = LocalDate.parse("2026-11-25");
    RecommendReport report = new Recommender(spark).recommend(spec, settings, day, Optional.empty()).report();
    Map<String, List<Row>> byUser = written(day);
    assertEquals(Set.of("u003", "u007", "stranger"), byUser.keySet());
    assertMatchesBruteForce(Map.of("u003", byUser.get("u003"), "u007", byUser.get("u007")), 3, true);
    assertEquals(3, report.usersRequested());
    assertEquals(2, report.usersKnown());
    assertEquals(1, report.usersUnknown());
    assertEquals("baseline", report.unknownUsers());
    assertEquals(1, report.usersInvalid(), "the null id");
    // The stranger gets what the pipeline predicts for an unseen user: the items with the highest bias.
    Dataset<Row> strangerPairs = spark.sql("SELECT 'stranger' AS user_id").crossJoin(
        spark.read().option("header", "true").csv(dir.resolve("train").toString()).select("item_id").distinct());
    ModelStore store = ModelStore.open(spec.modelStore(), new Configuration());
    List<Row> expected = PipelineModel.load(store.pipelineDir(trained.version()).toString())
        .transform(strangerPairs).orderBy(col("prediction").desc(), col("item_id")).limit(3)
        .select("item_id", "prediction").collectAsList();
    List<Row> got = byUser.get("stranger");
    for (int r = 0; r < 3; r++) {
      assertEquals(expected.get(r).getString(0), got.get(r).getString(1));
      assertEquals(expected.get(r).getDouble(1), got.get(r).getDouble(3), 1e-5);
    }
  }

  @Test
  void rerunningADateReplacesOnlyThatDate() throws IOException {
    LocalDate a = LocalDate.parse("2026-12-01");
    LocalDate b = LocalDate.parse("2026-12-02");
    Recommender recommender = new Recommender(spark);
    recommender.recommend(spec, spec.recommend(), a, Optional.empty());
    recommender.recommend(spec, spec.recommend(), b, Optional.empty());
    Map<Path, Long> dayB = files(dir.resolve("recs").resolve("ds=" + b));
    long rowsA = spark.read().parquet(dir.resolve("recs").resolve("ds=" + a).toString()).count();

    RecommendReport rerun = recommender.recommend(spec, spec.recommend().withK(2), a, Optional.empty()).report();

    assertEquals(USERS * 2, rerun.rowsWritten());
    assertEquals(USERS * 2, spark.read().parquet(dir.resolve("recs").resolve("ds=" + a).toString()).count());
    assertEquals(USERS * 5, rowsA);
    assertEquals(dayB, files(dir.resolve("recs").resolve("ds=" + b)), "the other date is untouched");
  }

  private static Map<Path, Long> files(Path root) throws IOException {
    Map<Path, Long> times = new HashMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        times.put(file, Files.getLastModifiedTime(file).toMillis());
      }
    }
    return times;
  }

  @Test
  void aBadKIsASpecErrorNamingTheValue() {
    for (String k : List.of("0", "-3")) {
      JobSpecException e = assertThrows(JobSpecException.class, () -> JobSpecLoader.load("test", """
          name: ratings
          kind: als
          input: {path: x}
          columns: {user: user_id, item: item_id, rating: rating}
          model: {store: m}
          recommend: {output: {path: out}, k: %s}
          """.formatted(k), List.of()));
      assertTrue(e.getMessage().contains("recommend.k") && e.getMessage().contains(k), e.getMessage());
    }
    JobSpecException e = assertThrows(JobSpecException.class, () -> spec.recommend().withK(0));
    assertTrue(e.getMessage().contains("--k 0"), e.getMessage());
  }
}

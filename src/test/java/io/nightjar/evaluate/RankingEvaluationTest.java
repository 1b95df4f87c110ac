package io.nightjar.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nightjar.evaluate.RankingEvaluation.RankingMetrics;
import io.nightjar.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RankingEvaluationTest extends SparkTestBase {
  private static final StructType PAIRS = new StructType()
      .add("user", DataTypes.StringType).add("item", DataTypes.StringType);
  private static final StructType LISTS = new StructType()
      .add("user", DataTypes.StringType).add("items", DataTypes.createArrayType(DataTypes.StringType));

  private static Dataset<Row> pairs(String... userItem) {
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < userItem.length; k += 2) {
      rows.add(RowFactory.create(userItem[k], userItem[k + 1]));
    }
    return spark.createDataFrame(rows, PAIRS);
  }

  private static Map<String, List<String>> lists(Dataset<Row> recommendations) {
    Map<String, List<String>> result = new TreeMap<>();
    for (Row row : recommendations.collectAsList()) {
      result.put(row.getString(0), row.getList(1));
    }
    return result;
  }

  @Test
  void handCheckedMetrics() {
    // Relevant: u1 {a, b, c}, u2 {d}, u3 {e}; u4 has none (its recommendations are ignored).
    Dataset<Row> relevant = pairs("u1", "a", "u1", "b", "u1", "c", "u1", "c", "u2", "d", "u3", "e");
    Dataset<Row> recommendations = spark.createDataFrame(List.of(
        RowFactory.create("u1", List.of("a", "x", "b", "c")),
        RowFactory.create("u2", List.of("y", "z", "d")),
        RowFactory.create("u4", List.of("a"))), LISTS);
    RankingMetrics m = RankingEvaluation.evaluate(recommendations, "items", relevant, "user", "item", 3);
    // k = 3. u1's top 3 [a, x, b]: hits at ranks 1 and 3.
    //   precision 2/3, recall 2/3, DCG 1/log2(2) + 1/log2(4) = 1.5, ideal DCG (3 relevant) 1 + 1/log2(3) + 1/2,
    //   AP (1/1 + 2/3) / min(3, 3) = 5/9.
    // u2's [y, z, d]: hit at rank 3. precision 1/3, recall 1, DCG 1/2, ideal DCG 1, AP (1/3) / 1 = 1/3.
    // u3 has no recommendations: 0 everywhere. Users counted: u1, u2, u3.
    assertEquals(3, m.users());
    assertEquals(3, m.k());
    assertEquals((2.0 / 3 + 1.0 / 3 + 0) / 3, m.precision(), 1e-12);
    assertEquals((2.0 / 3 + 1 + 0) / 3, m.recall(), 1e-12);
    double log2of3 = Math.log(3) / Math.log(2);
    assertEquals((1.5 / (1.5 + 1 / log2of3) + 0.5 + 0) / 3, m.ndcg(), 1e-12);
    assertEquals(0.4013063, m.ndcg(), 1e-6);
    assertEquals((5.0 / 9 + 1.0 / 3 + 0) / 3, m.map(), 1e-12);

    // k = 1: u1 [a] hit, u2 [y] miss. precision 1/3; recall (1/3 + 0 + 0) / 3; nDCG (1 + 0 + 0) / 3; AP u1 1/1.
    RankingMetrics one = RankingEvaluation.evaluate(recommendations, "items", relevant, "user", "item", 1);
    assertEquals(1.0 / 3, one.precision(), 1e-12);
    assertEquals(1.0 / 9, one.recall(), 1e-12);
    assertEquals(1.0 / 3, one.ndcg(), 1e-12);
    assertEquals(1.0 / 3, one.map(), 1e-12);
  }

  @Test
  void popularityReferenceRanksByRatingsAndSkipsSeenItems() {
    // Ratings per item: a 3, b 2, c 1, d 1, e 1 -> rank a, b, c, d, e (ties by item).
    Dataset<Row> training = pairs("u1", "a", "u1", "b", "u2", "a", "u2", "c", "u3", "a", "u3", "b", "u3", "d",
        "u4", "e");
    assertEquals(Map.of("u1", List.of("a", "b"), "u2", List.of("a", "b"), "u3", List.of("a", "b"),
            "u4", List.of("a", "b")),
        lists(RankingEvaluation.popularityRecommendations(training, "user", "item", 2, false)));
    assertEquals(Map.of("u1", List.of("c", "d"), "u2", List.of("b", "d"), "u3", List.of("c", "e"),
            "u4", List.of("a", "b")),
        lists(RankingEvaluation.popularityRecommendations(training, "user", "item", 2, true)));
    // Only 5 items: u3 has seen 3, so at most 2 remain.
    assertEquals(List.of("c", "e"),
        lists(RankingEvaluation.popularityRecommendations(training, "user", "item", 10, true)).get("u3"));

    // The reference feeds the evaluator: u1's holdout {c}: rank 1 -> precision 1/2, recall 1, nDCG 1, AP 1.
    Dataset<Row> recs = RankingEvaluation.popularityRecommendations(training, "user", "item", 2, true);
    RankingMetrics m = RankingEvaluation.evaluate(recs, RankingEvaluation.RECOMMENDATIONS, pairs("u1", "c"), "user",
        "item", 2);
    assertEquals(new RankingMetrics(2, 1, 0.5, 1.0, 1.0, 1.0), m);
  }

  @Test
  void kMustBePositive() {
    Dataset<Row> training = pairs("u1", "a");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RankingEvaluation.popularityRecommendations(training, "user", "item", 0, true));
    assertEquals("k must be at least 1, got 0", e.getMessage());
  }
}

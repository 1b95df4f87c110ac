package io.nightjar.evaluate;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.nightjar.pipeline.Columns;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;

/**
 * Top-k ranking metrics of recommendations against held-out relevant items, and the item-popularity reference.
 *
 * <p>Users counted are those with at least one relevant item; one without recommendations scores 0 on every metric.
 * Recommendations for users without relevant items are ignored. Relevance is binary (an item is relevant or not).
 * A user's list is cut to its first {@code k} distinct items (a repeated item keeps its first rank).
 */
public final class RankingEvaluation {
  /** The array column {@link #popularityRecommendations} writes. */
  public static final String RECOMMENDATIONS = "recommendations";

  private static final String RECS = Columns.INTERNAL_PREFIX + "recs";
  private static final String REL = Columns.INTERNAL_PREFIX + "rel";
  private static final String TOP = Columns.INTERNAL_PREFIX + "top";
  private static final String RANK = Columns.INTERNAL_PREFIX + "rank";
  private static final String POS = Columns.INTERNAL_PREFIX + "pos";
  private static final String SEEN = Columns.INTERNAL_PREFIX + "seen";
  private static final String RATINGS = Columns.INTERNAL_PREFIX + "ratings";
  private static final String SEEN_RANKS = Columns.INTERNAL_PREFIX + "seen_ranks";

  private RankingEvaluation() {}

  /**
   * Means over users.
   *
   * @param k the cut-off
   * @param users users with at least one relevant item (the denominator)
   * @param precision mean of hits@k / k
   * @param recall mean of hits@k / relevant items
   * @param ndcg mean of DCG@k / ideal DCG@k, gain 1 / log2(rank + 1) per relevant item
   * @param map mean of AP@k: the sum of precision@i over the ranks i holding a relevant item, over min(relevant, k)
   */
  public record RankingMetrics(int k, long users, double precision, double recall, double ndcg, double map) {}

  /**
   * Evaluates recommendations.
   *
   * @param recommendations one row per user: {@code userCol} and {@code itemsCol}, an array of items in rank order
   * @param relevant held-out relevant items: {@code userCol}, {@code itemCol} (one row per pair; duplicates count once)
   * @param k the cut-off, at least 1
   * @throws IllegalArgumentException if k is below 1 or the user columns or item types do not line up
   */
  public static RankingMetrics evaluate(Dataset<Row> recommendations, String itemsCol, Dataset<Row> relevant,
      String userCol, String itemCol, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    DataType listType = recommendations.schema().apply(itemsCol).dataType();
    if (!(listType instanceof ArrayType array)) {
      throw new IllegalArgumentException("the recommendations column '" + itemsCol + "' must be an array of items, "
          + "got " + listType.simpleString());
    }
    Dataset<Row> rel = relevant.where(col(userCol).isNotNull().and(col(itemCol).isNotNull()))
        .groupBy(col(userCol))
        .agg(collect_set(col(itemCol).cast(array.elementType())).alias(REL));
    Dataset<Row> recs = recommendations.select(col(userCol), col(itemsCol).alias(RECS));
    Column empty = org.apache.spark.sql.functions.array().cast(listType);
    Dataset<Row> joined = rel.join(recs, new String[] {userCol}, "left")
        .select(col(REL), expr(String.format("slice(array_distinct(%s), 1, %d)", RECS, k)).alias(TOP))
        .withColumn(TOP, when(col(TOP).isNull(), empty).otherwise(col(TOP)));
    String hit = "array_contains(" + REL + ", x)";
    Column hits = expr(String.format("aggregate(%s, 0, (acc, x) -> acc + if(%s, 1, 0))", TOP, hit));
    Column dcg = expr(String.format(
        "aggregate(transform(%s, (x, i) -> if(%s, 1.0D / log2(i + 2), 0.0D)), 0.0D, (a, b) -> a + b)", TOP, hit));
    Column idcg = expr(String.format(
        "aggregate(transform(sequence(0, least(size(%s), %d) - 1), i -> 1.0D / log2(i + 2)), 0.0D, (a, b) -> a + b)",
        REL, k));
    Column ap = expr(String.format(
        "aggregate(transform(%1$s, (x, i) -> if(%2$s, size(filter(slice(%1$s, 1, i + 1), z -> array_contains(%3$s, z)))"
            + " / (i + 1), 0.0D)), 0.0D, (a, b) -> a + b) / least(size(%3$s), %4$d)", TOP, hit, REL, k));
    Row row = joined.agg(
            count(lit(1)),
            avg(hits.divide(lit((double) k))),
            avg(hits.divide(expr("size(" + REL + ")"))),
            avg(dcg.divide(idcg)),
            avg(ap))
        .first();
    long users = row.getLong(0);
    if (users == 0) {
      return new RankingMetrics(k, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    return new RankingMetrics(k, users, row.getDouble(1), row.getDouble(2), row.getDouble(3), row.getDouble(4));
  }

  /**
   * The item-popularity reference: each training user's top-{@code k} of the items rated most often in training
   * (ties by item, ascending). With {@code excludeSeen}, items the user rated in training are skipped, so a user may
   * get fewer than {@code k} items only when fewer unseen items exist (and none when every item was seen).
   *
   * <p>Scales with the data: no per-user list longer than {@code k + items the user rated} is built, and nothing is
   * collected to the driver.
   *
   * @return {@code userCol} and {@link #RECOMMENDATIONS} (array of items, most popular first), one row per user
   */
  public static Dataset<Row> popularityRecommendations(Dataset<Row> training, String userCol, String itemCol, int k,
      boolean excludeSeen) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    Dataset<Row> pairs = training.select(col(userCol), col(itemCol))
        .where(col(userCol).isNotNull().and(col(itemCol).isNotNull()));
    Dataset<Row> ranked = pairs.groupBy(col(itemCol)).agg(count(lit(1)).alias(RATINGS))
        .withColumn(RANK, row_number().over(Window.orderBy(desc(RATINGS), col(itemCol).asc())))
        .select(col(itemCol), col(RANK));
    if (!excludeSeen) {
      Dataset<Row> top = ranked.where(col(RANK).leq(k))
          .agg(sort_array(collect_list(struct(col(RANK), col(itemCol)))).alias(TOP))
          .select(expr(String.format("transform(%s, x -> x.%s)", TOP, Columns.quoted(itemCol))).alias(RECOMMENDATIONS));
      return pairs.select(col(userCol)).distinct().crossJoin(broadcast(top));
    }
    Dataset<Row> seen = pairs.distinct();
    Dataset<Row> perUser = seen.groupBy(col(userCol)).agg(count(lit(1)).alias(SEEN));
    // Only the seen items ranked within the first k + seen can push an unseen item out of the top k.
    Dataset<Row> seenRanks = seen.join(ranked, itemCol).join(perUser, userCol)
        .where(col(RANK).leq(col(SEEN).plus(k)))
        .groupBy(col(userCol)).agg(collect_list(col(RANK)).alias(SEEN_RANKS));
    Dataset<Row> candidates = perUser.join(seenRanks, new String[] {userCol}, "left")
        .select(col(userCol), expr(String.format(
            "posexplode(slice(filter(sequence(1, cast(%s + %d as int)), r -> not array_contains(coalesce(%s, "
                + "array()), r)), 1, %d)) as (%s, %s)", SEEN, k, SEEN_RANKS, k, POS, RANK)));
    return candidates.join(ranked, RANK)
        .groupBy(col(userCol))
        .agg(sort_array(collect_list(struct(col(POS), col(itemCol)))).alias(TOP))
        .select(col(userCol), expr(String.format("transform(%s, x -> x.%s)", TOP, Columns.quoted(itemCol)))
            .alias(RECOMMENDATIONS));
  }
}

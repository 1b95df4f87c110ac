package io.nightjar.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;

import io.nightjar.evaluate.RankingEvaluation;
import io.nightjar.recommend.RecommendModel;
import io.nightjar.recommend.TopKRecommender;
import io.nightjar.spec.AlsColumns;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Ranking metrics of an ALS pipeline on the holdout: each holdout user's top-k items (items the user rated in training
 * left out, as the recommend verb does), against the items the user rated in the holdout, beside the item-popularity
 * reference under the same protocol.
 */
final class RankingCheck {
  static final String POPULARITY = "popularity";
  private static final String RECOMMENDED = "__nj_recommended";

  private RankingCheck() {}

  /** precisionAtK, recallAtK, ndcgAtK and mapAtK of the model's own recommendations. */
  static Map<String, Double> model(PipelineModel model, AlsColumns columns, Dataset<Row> training,
      Dataset<Row> holdout, int k) {
    RecommendModel recommender = RecommendModel.of(model, columns.user(), columns.item());
    Dataset<Row> users = holdout.select(columns.user()).distinct();
    TopKRecommender.Recommendations recommendations = TopKRecommender.forPipeline(training.sparkSession(),
        recommender, columns.user(), columns.item(), training.schema().apply(columns.user()).dataType(),
        training.schema().apply(columns.item()).dataType(), training, users, columns.user(), k, 0);
    try {
      Dataset<Row> lists = recommendations.rows().groupBy(col(columns.user()))
          .agg(sort_array(collect_list(struct(col(TopKRecommender.RANK), col(columns.item())))).as(RECOMMENDED))
          .select(col(columns.user()), col(RECOMMENDED + "." + columns.item()).as(RECOMMENDED));
      return scores(RankingEvaluation.evaluate(lists, RECOMMENDED, holdout, columns.user(), columns.item(), k));
    } finally {
      recommendations.release();
    }
  }

  /** The same metrics for the most-rated training items the user has not rated. */
  static Map<String, Double> popularity(AlsColumns columns, Dataset<Row> training, Dataset<Row> holdout, int k) {
    Dataset<Row> popular = RankingEvaluation.popularityRecommendations(training, columns.user(), columns.item(), k,
        true);
    return scores(RankingEvaluation.evaluate(popular, RankingEvaluation.RECOMMENDATIONS, holdout, columns.user(),
        columns.item(), k));
  }

  private static Map<String, Double> scores(RankingEvaluation.RankingMetrics metrics) {
    Map<String, Double> scores = new LinkedHashMap<>();
    scores.put("precisionAtK", metrics.precision());
    scores.put("recallAtK", metrics.recall());
    scores.put("ndcgAtK", metrics.ndcg());
    scores.put("mapAtK", metrics.map());
    return scores;
  }
}

package io.nightjar.pipeline;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.nightjar.pipeline.stage.IndexedRatings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The ALS pipeline's id indexer fitted without Spark's string round trip: for whole-number or string ids, the ids
 * are counted by value in a plain aggregation, only the distinct ids are turned into labels, and they are ordered
 * as {@code StringIndexer} orders them ({@code frequencyDesc}: most frequent first, ties by label). The result is
 * the same standard {@link StringIndexerModel} that {@code StringIndexer.fit} gives, and the training rows are
 * indexed by a join on the raw ids rather than by the model's per-row string lookups. Any other indexer setting or
 * id type goes through {@code StringIndexer} itself.
 */
final class IdIndexing {
  /** The fitted indexer, and the training rows reduced to the output indices and the rating. */
  record Indexed(StringIndexerModel model, Dataset<Row> rows) {}

  private IdIndexing() {}

  static Indexed index(StringIndexer indexer, Dataset<Row> training, String rating) {
    String[] in = indexer.getInputCols();
    String[] out = indexer.getOutputCols();
    if (!applies(indexer, training.schema())) {
      StringIndexerModel model = indexer.fit(training);
      return new Indexed(model, model.transform(training)
          .select(col(Columns.quoted(out[0])), col(Columns.quoted(out[1])), col(Columns.quoted(rating))));
    }
    String[][] labels = new String[in.length][];
    Dataset<Row> rows = training.select(col(Columns.quoted(in[0])).as("__nj_key0"),
        col(Columns.quoted(in[1])).as("__nj_key1"), col(Columns.quoted(rating)));
    for (int k = 0; k < in.length; k++) {
      DataType type = training.schema().apply(in[k]).dataType();
      List<Row> counted = new ArrayList<>(training.where(col(Columns.quoted(in[k])).isNotNull())
          .groupBy(col(Columns.quoted(in[k])).as("key")).count()
          .select(col("key"), col("key").cast("string").as("label"), col("count"))
          .collectAsList());
      counted.sort(Comparator.<Row>comparingLong(r -> -r.getLong(2)).thenComparing(r -> r.getString(1)));
      labels[k] = new String[counted.size()];
      List<Row> table = new ArrayList<>(counted.size());
      for (int index = 0; index < counted.size(); index++) {
        labels[k][index] = counted.get(index).getString(1);
        table.add(RowFactory.create(counted.get(index).get(0), (double) index));
      }
      String key = "__nj_key" + k;
      String found = "__nj_found" + k;
      Dataset<Row> indices = training.sparkSession().createDataFrame(table,
          new StructType().add(found, type, false).add(out[k], DataTypes.DoubleType, false));
      // "keep": an id not among the labels (here only a null) gets the spare index, as the model would give it.
      rows = rows.join(indices, col(key).equalTo(col(found)), "left")
          .withColumn(out[k], coalesce(col(Columns.quoted(out[k])), lit((double) labels[k].length)))
          .drop(found);
    }
    StringIndexerModel model = new StringIndexerModel(indexer.uid(), labels);
    indexer.copyValues(model, ParamMap.empty());
    model.setParent(indexer);
    return new Indexed(model, rows.select(col(Columns.quoted(out[0])), col(Columns.quoted(out[1])),
        col(Columns.quoted(rating))));
  }

  /** The fitted indexer, and the training ratings copied and indexed in memory. */
  record InMemory(StringIndexerModel model, IndexedRatings ratings) {}

  /**
   * For whole-number ids, the indexer fitted and the ratings indexed in one read of the input
   * ({@link IndexedRatings}); empty for any other id type or setting, or when a row holds a null id or rating.
   */
  static Optional<InMemory> inMemory(StringIndexer indexer, Dataset<Row> training, String rating) {
    if (!applies(indexer, training.schema())) {
      return Optional.empty();
    }
    String[] in = indexer.getInputCols();
    for (String name : in) {
      if (!wholeNumber(training.schema().apply(name).dataType())) {
        return Optional.empty();
      }
    }
    return IndexedRatings.of(training, in[0], in[1], rating).map(ratings -> {
      StringIndexerModel model = new StringIndexerModel(indexer.uid(), ratings.labels());
      indexer.copyValues(model, ParamMap.empty());
      model.setParent(indexer);
      return new InMemory(model, ratings);
    });
  }

  private static boolean wholeNumber(DataType type) {
    return type.equals(DataTypes.IntegerType) || type.equals(DataTypes.LongType)
        || type.equals(DataTypes.ShortType) || type.equals(DataTypes.ByteType);
  }

  /** Two id columns of a whole-number or string type, most frequent first, unseen ids kept. */
  static boolean applies(StringIndexer indexer, StructType schema) {
    if (indexer.getInputCols().length != 2 || !"frequencyDesc".equals(indexer.getStringOrderType())
        || !"keep".equals(indexer.getHandleInvalid())) {
      return false;
    }
    for (String name : indexer.getInputCols()) {
      DataType type = schema.apply(name).dataType();
      if (!(wholeNumber(type) || type.equals(DataTypes.StringType))) {
        return false;
      }
    }
    return true;
  }
}

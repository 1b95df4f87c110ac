package io.nightjar.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;

import io.nightjar.error.InputDataException;
import io.nightjar.pipeline.TabularFeatures;
import io.nightjar.spec.AlsColumns;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.PredictSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * The rows a job trains and evaluates on: the needed columns only, the target as a double, and rows without a usable
 * target or id left out (and counted by the caller).
 *
 * @param data usable rows
 * @param label the target column (the rating for ALS)
 * @param features the tabular features, or null for ALS
 */
record TrainingData(Dataset<Row> data, String label, TabularFeatures features) {

  static TrainingData prepare(JobSpec spec, Dataset<Row> raw) {
    return switch (spec.kind()) {
      case ALS -> ratings(spec.alsColumns(), raw);
      case ELASTICNET -> tabular(spec, raw);
    };
  }

  private static TrainingData ratings(AlsColumns columns, Dataset<Row> raw) {
    StructType schema = raw.schema();
    List<String> present = List.of(schema.fieldNames());
    List<String> missing = new ArrayList<>();
    for (String[] role : new String[][] {
        {"columns.user", columns.user()}, {"columns.item", columns.item()}, {"columns.rating", columns.rating()}}) {
      if (!present.contains(role[1])) {
        missing.add(role[1] + " (" + role[0] + ")");
      }
    }
    if (!missing.isEmpty()) {
      throw new InputDataException("the training input lacks " + String.join(", ", missing) + "; columns present: "
          + present);
    }
    if (!(schema.apply(columns.rating()).dataType() instanceof NumericType)) {
      throw new InputDataException(String.format("column '%s' (columns.rating) has type %s; ratings must be numeric",
          columns.rating(), schema.apply(columns.rating()).dataType().simpleString()));
    }
    Column rating = col(columns.rating()).cast("double");
    Dataset<Row> usable = raw
        .select(col(columns.user()), col(columns.item()), rating.as(columns.rating()))
        .where(col(columns.user()).isNotNull()
            .and(col(columns.item()).isNotNull())
            .and(finite(col(columns.rating()))));
    return new TrainingData(usable, columns.rating(), null);
  }

  private static TrainingData tabular(JobSpec spec, Dataset<Row> raw) {
    String label = spec.tabularColumns().label();
    TabularFeatures.requireNumericLabel(raw.schema(), label);
    Set<String> excluded = spec.predict() == null ? Set.of(PredictSpec.DEFAULT_PARTITION) : Set.of(spec.predict()
        .partition());
    TabularFeatures features = TabularFeatures.resolve(spec.tabularColumns(), raw.schema(), excluded);
    List<Column> selected = new ArrayList<>();
    features.all().forEach(name -> selected.add(col(name)));
    selected.add(col(label).cast("double").as(label));
    Dataset<Row> usable = raw.select(selected.toArray(Column[]::new)).where(finite(col(label)));
    return new TrainingData(usable, label, features);
  }

  private static Column finite(Column value) {
    return value.isNotNull().and(isnan(value).unary_$bang())
        .and(value.notEqual(Double.POSITIVE_INFINITY)).and(value.notEqual(Double.NEGATIVE_INFINITY));
  }
}

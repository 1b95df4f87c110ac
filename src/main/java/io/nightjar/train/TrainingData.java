package io.nightjar.train;

import static org.apache.spark.sql.functions.col;

import io.nightjar.contract.InputContract;
import io.nightjar.contract.RowRules;
import io.nightjar.error.InputDataException;
import io.nightjar.pipeline.TabularFeatures;
import io.nightjar.spec.AlsColumns;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.PredictSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The rows a job trains and evaluates on: the needed columns only, the target as a double, and a reason column that
 * is null for usable rows and names why the others are left out.
 *
 * @param tagged every input row, the needed columns plus {@link RowRules#REJECT_REASON}
 * @param label the target column (the rating for ALS)
 * @param features the tabular features, or null for ALS
 * @param contract the columns scoring will need, for the manifest
 */
record TrainingData(Dataset<Row> tagged, String label, TabularFeatures features, InputContract contract) {

  /** The rows to train and evaluate on. */
  Dataset<Row> usable() {
    return tagged.where(col(RowRules.REJECT_REASON).isNull()).drop(RowRules.REJECT_REASON);
  }

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
    Column reason = new RowRules()
        .requirePresent(columns.user())
        .requirePresent(columns.item())
        .requireFinite(columns.rating())
        .reason();
    Dataset<Row> tagged = raw.select(
        col(columns.user()), col(columns.item()), col(columns.rating()).cast("double").as(columns.rating()),
        reason.as(RowRules.REJECT_REASON));
    InputContract contract = new InputContract(
        List.of(column(schema, columns.user(), "user"), column(schema, columns.item(), "item")), Map.of());
    return new TrainingData(tagged, columns.rating(), null, contract);
  }

  private static TrainingData tabular(JobSpec spec, Dataset<Row> raw) {
    String label = spec.tabularColumns().label();
    TabularFeatures.requireNumericLabel(raw.schema(), label);
    Set<String> excluded = Set.of(spec.predict() == null ? PredictSpec.DEFAULT_PARTITION : spec.predict().partition());
    TabularFeatures features = TabularFeatures.resolve(spec.tabularColumns(), raw.schema(), excluded);
    RowRules rules = new RowRules().requireFinite(label);
    features.numeric().forEach(rules::rejectInfinite);
    List<Column> selected = new ArrayList<>();
    features.all().forEach(name -> selected.add(col(name)));
    selected.add(col(label).cast("double").as(label));
    selected.add(rules.reason().as(RowRules.REJECT_REASON));
    List<InputContract.ColumnContract> columns = new ArrayList<>();
    features.numeric().forEach(name -> columns.add(column(raw.schema(), name, "numeric")));
    features.categorical().forEach(name -> columns.add(column(raw.schema(), name, "categorical")));
    return new TrainingData(raw.select(selected.toArray(Column[]::new)), label, features,
        new InputContract(columns, Map.of()));
  }

  /** The contract with the categorical levels the fitted pipeline learned. */
  TrainingData withLevels(Map<String, List<String>> levels) {
    return new TrainingData(tagged, label, features, new InputContract(contract.columns(), Map.copyOf(levels)));
  }

  private static InputContract.ColumnContract column(StructType schema, String name, String role) {
    StructField field = schema.apply(name);
    return new InputContract.ColumnContract(name, field.dataType().simpleString(), field.nullable(), role);
  }
}

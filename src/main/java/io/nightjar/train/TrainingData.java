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
    String time = spec.evaluation().timeColumn();
    if (time != null) {
      HoldoutSplit.requireTimeColumn(raw.schema(), time);
    }
    return switch (spec.kind()) {
      case ALS -> ratings(spec.alsColumns(), raw, time);
      case ELASTICNET -> tabular(spec, raw, time);
    };
  }

  private static TrainingData ratings(AlsColumns columns, Dataset<Row> raw, String time) {
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
    RowRules rules = new RowRules()
        .requirePresent(columns.user())
        .requirePresent(columns.item())
        .requireFinite(columns.rating());
    List<Column> selected = new ArrayList<>(List.of(
        col(columns.user()), col(columns.item()), col(columns.rating()).cast("double").as(columns.rating())));
    if (time != null) {
      rules.requirePresent(time);
      selected.add(col(time));
    }
    selected.add(rules.reason().as(RowRules.REJECT_REASON));
    Dataset<Row> tagged = raw.select(selected.toArray(Column[]::new));
    InputContract contract = new InputContract(
        List.of(column(schema, columns.user(), "user"), column(schema, columns.item(), "item")), Map.of());
    return new TrainingData(tagged, columns.rating(), null, contract);
  }

  private static TrainingData tabular(JobSpec spec, Dataset<Row> raw, String time) {
    String label = spec.tabularColumns().label();
    TabularFeatures.requireNumericLabel(raw.schema(), label);
    Set<String> excluded = new java.util.HashSet<>(
        Set.of(spec.predict() == null ? PredictSpec.DEFAULT_PARTITION : spec.predict().partition()));
    if (time != null) {
      excluded.add(time);
    }
    TabularFeatures features = TabularFeatures.resolve(spec.tabularColumns(), raw.schema(), excluded);
    if (time != null && features.all().contains(time)) {
      throw new io.nightjar.error.JobSpecException(String.format("evaluation.timeColumn '%s' is also listed in "
          + "columns.features; a time column orders the holdout and cannot be a feature: remove it from one", time));
    }
    RowRules rules = new RowRules().requireFinite(label);
    features.numeric().forEach(rules::rejectInfinite);
    List<Column> selected = new ArrayList<>();
    features.all().forEach(name -> selected.add(col(name)));
    selected.add(col(label).cast("double").as(label));
    if (time != null) {
      rules.requirePresent(time);
      selected.add(col(time));
    }
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

package io.nightjar.evaluate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.ImputerModel;
import org.apache.spark.ml.feature.OneHotEncoderModel;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Every coefficient of a fitted elastic-net pipeline under its human name, largest magnitude first.
 *
 * @param learner {@code linear} (LinearRegression) or {@code logistic} (binomial LogisticRegression)
 * @param intercept the intercept (on the margin scale for logistic)
 * @param coefficients one per assembled feature slot, sorted by absolute value, largest first (ties by slot)
 */
public record CoefficientReport(String learner, double intercept, List<CoefficientReport.Coefficient> coefficients) {
  public CoefficientReport {
    coefficients = List.copyOf(coefficients);
  }

  /**
   * One coefficient.
   *
   * @param index its slot in the assembled feature vector
   * @param name the human name: the input column for a number, {@code column=level} for a one-hot level
   * @param column the input column it comes from
   * @param level the category level for a one-hot slot, null for a number
   * @param value the fitted coefficient (on the scale of the raw feature: Spark un-standardizes it)
   */
  public record Coefficient(int index, String name, String column, String level, double value) {
    /** True when elastic-net shrinkage set it to exactly zero. */
    public boolean isZero() {
      return value == 0.0;
    }
  }

  /** How many coefficients are not zero. */
  public long nonZero() {
    return coefficients.stream().filter(c -> !c.isZero()).count();
  }

  /**
   * Reads the coefficients of a fitted pipeline built by {@code ElasticNetPipeline}.
   *
   * @param model the fitted pipeline: feature stages, one VectorAssembler, then a LinearRegressionModel or a binomial
   *     LogisticRegressionModel
   * @param input any dataset with the pipeline's input columns (the training data, a holdout, or an empty dataset of
   *     that schema); only its schema is used: nothing is computed
   * @throws IllegalArgumentException if the pipeline has no VectorAssembler or does not end in one of those learners
   */
  public static CoefficientReport of(PipelineModel model, Dataset<Row> input) {
    Transformer[] stages = model.stages();
    Transformer last = stages[stages.length - 1];
    Vector coefficients;
    double intercept;
    String learner;
    if (last instanceof LinearRegressionModel linear) {
      coefficients = linear.coefficients();
      intercept = linear.intercept();
      learner = "linear";
    } else if (last instanceof LogisticRegressionModel logistic && logistic.numClasses() == 2
        && !logistic.getFamily().equals("multinomial")) {
      coefficients = logistic.coefficients();
      intercept = logistic.intercept();
      learner = "logistic";
    } else {
      throw new IllegalArgumentException("the pipeline ends in " + last.getClass().getSimpleName()
          + ", not a LinearRegressionModel or a binomial LogisticRegressionModel; it has no elastic-net coefficients");
    }
    VectorAssembler assembler = null;
    Map<String, String> source = new HashMap<>(); // internal column -> the column it was derived from
    for (Transformer stage : stages) {
      if (stage instanceof VectorAssembler a) {
        assembler = a;
      } else if (stage instanceof ImputerModel imputer) {
        link(source, imputer.getInputCols(), imputer.getOutputCols());
      } else if (stage instanceof StringIndexerModel indexer) {
        link(source, indexer.getInputCols(), indexer.getOutputCols());
      } else if (stage instanceof OneHotEncoderModel encoder) {
        link(source, encoder.getInputCols(), encoder.getOutputCols());
      }
    }
    if (assembler == null) {
      throw new IllegalArgumentException("the pipeline has no VectorAssembler, so its features have no names");
    }
    StructType schema = model.transform(input).schema();
    Attribute[] slots = attributes(schema.apply(assembler.getOutputCol()), coefficients.size());

    List<Coefficient> result = new ArrayList<>();
    int slot = 0;
    for (String in : assembler.getInputCols()) {
      StructField field = schema.apply(in);
      String column = original(source, in);
      if (field.dataType() instanceof VectorUDT) {
        int size = AttributeGroup.fromStructField(field).size();
        if (size < 0) {
          throw new IllegalArgumentException("the assembled vector column '" + in + "' has no size metadata");
        }
        for (int k = 0; k < size; k++, slot++) {
          String level = level(slots[slot], in, k);
          result.add(new Coefficient(slot, column + "=" + level, column, level, coefficients.apply(slot)));
        }
      } else {
        result.add(new Coefficient(slot, column, column, null, coefficients.apply(slot)));
        slot++;
      }
    }
    if (slot != coefficients.size()) {
      throw new IllegalStateException("the assembler names " + slot + " feature slots but the model has "
          + coefficients.size() + " coefficients");
    }
    result.sort(Comparator.comparingDouble((Coefficient c) -> -Math.abs(c.value()))
        .thenComparingInt(Coefficient::index));
    return new CoefficientReport(learner, intercept, result);
  }

  private static void link(Map<String, String> source, String[] in, String[] out) {
    for (int k = 0; k < in.length; k++) {
      source.put(out[k], in[k]);
    }
  }

  private static String original(Map<String, String> source, String column) {
    String current = column;
    for (int hops = 0; source.containsKey(current) && hops < 10; hops++) {
      current = source.get(current);
    }
    return current;
  }

  private static Attribute[] attributes(StructField assembled, int size) {
    AttributeGroup group = AttributeGroup.fromStructField(assembled);
    Attribute[] slots = new Attribute[size];
    if (group.attributes().isDefined()) {
      Attribute[] known = group.attributes().get();
      System.arraycopy(known, 0, slots, 0, Math.min(size, known.length));
    }
    return slots;
  }

  /** The level a one-hot slot stands for: the assembler names it {@code <vector column>_<level>}. */
  private static String level(Attribute attribute, String vectorColumn, int offset) {
    if (attribute == null || attribute.name().isEmpty()) {
      return String.valueOf(offset);
    }
    String name = attribute.name().get();
    String prefix = vectorColumn + "_";
    return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
  }
}

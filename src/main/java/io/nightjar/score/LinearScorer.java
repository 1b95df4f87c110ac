package io.nightjar.score;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_arrays;
import static org.apache.spark.sql.functions.nanvl;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nightjar.pipeline.Columns;
import io.nightjar.pipeline.ElasticNetPipeline;
import io.nightjar.spec.ScoringMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.ImputerModel;
import org.apache.spark.ml.feature.OneHotEncoderModel;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The elastic-net pipeline (Imputer, StringIndexer, OneHotEncoder, VectorAssembler, linear or logistic model)
 * compiled to one column expression: {@code intercept + sum(coefficient * imputed value) + sum(coefficient of the
 * row's category level)}. No vectors are built and no UDF runs; a numeric feature is imputed inline exactly as the
 * fitted Imputer does it (null or NaN to the training median, then cast back to the column's type), and a category
 * level is looked up in a literal map from the level (the value as a string, as StringIndexer reads it) to its
 * coefficient, a level not in the map (unseen, missing, or with a zero coefficient) contributing the coefficient of
 * the indexer's spare index (0 when the encoder drops it, as Nightjar's pipelines do). A categorical with more than
 * {@link #MAX_MAP_LEVELS} levels is indexed by the fitted StringIndexer instead and looked up by index. Zero
 * coefficients, common with an L1 penalty, cost nothing.
 *
 * <p>The result equals {@code PipelineModel.transform} up to the order of floating-point additions (a relative
 * difference of the order of 1e-15). A binomial model adds {@code 1 / (1 + exp(-margin))} as the probability and
 * predicts 1 above the model's threshold, as Spark's {@code LogisticRegressionModel} does.
 *
 * <p>Why it matters: Spark compiles the filter, the scoring and the write's projection of a pass into one Java
 * method, and the JVM leaves a method over 8000 bytes of bytecode to the interpreter. The expression is kept small
 * (the map lookup is a loop, not a branch per level) so the pass stays compiled.
 */
final class LinearScorer implements Scorer {
  /** Above this many levels a categorical is indexed by its StringIndexer rather than looked up in a literal map. */
  static final int MAX_MAP_LEVELS = 256;
  /** The layout of {@link #parameters()}. */
  static final int PARAMETERS_FORMAT = 1;
  /** The probability of class 1, internal. */
  private static final String POSITIVE = Columns.INTERNAL_PREFIX + "positive";

  private final List<Term> terms;
  private final double intercept;
  private final Threshold binomial;
  private final List<StringIndexerModel> indexers;

  /** One assembled feature's contribution. */
  private sealed interface Term permits Numeric, ByLevel, ByIndex {}

  /** {@code coefficient * value}, the value imputed with {@code surrogate} when it is not null. */
  private record Numeric(String column, Double surrogate, double coefficient) implements Term {}

  /** The coefficient of the row's level, by the level's string; {@code otherwise} for any level not listed. */
  private record ByLevel(String column, String[] levels, double[] coefficients, double otherwise) implements Term {}

  /** The coefficient of the row's level, by the index the fitted indexer gives it ({@code byIndex[index]}). */
  private record ByIndex(String indexColumn, double[] byIndex) implements Term {}

  /** The decision threshold of a binomial model; absent for least squares. */
  private record Threshold(boolean present, double value) {}

  private LinearScorer(List<Term> terms, double intercept, Threshold binomial, List<StringIndexerModel> indexers) {
    this.terms = terms;
    this.intercept = intercept;
    this.binomial = binomial;
    this.indexers = indexers;
  }

  /**
   * The compiled scorer of {@code model}, or the reason it cannot be compiled: stages other than Imputer,
   * StringIndexer, OneHotEncoder, VectorAssembler and a final binary linear model, or a wiring between them that
   * Nightjar's pipelines never produce.
   */
  static Compilation compile(PipelineModel model) {
    Transformer[] stages = model.stages();
    if (stages.length < 2) {
      return Compilation.refused("fewer than two stages");
    }
    Transformer last = stages[stages.length - 1];
    double[] coefficients;
    double intercept;
    String featuresCol;
    Threshold threshold;
    if (last instanceof LinearRegressionModel linear) {
      coefficients = linear.coefficients().toArray();
      intercept = linear.intercept();
      featuresCol = linear.getFeaturesCol();
      threshold = new Threshold(false, 0);
    } else if (last instanceof LogisticRegressionModel logistic) {
      if (logistic.numClasses() != 2 || logistic.isSet(logistic.thresholds())
          || logistic.coefficientMatrix().numRows() != 1) {
        return Compilation.refused("the logistic model is not a plain binary one");
      }
      coefficients = logistic.coefficients().toArray();
      intercept = logistic.intercept();
      featuresCol = logistic.getFeaturesCol();
      threshold = new Threshold(true, logistic.getThreshold());
    } else {
      return Compilation.refused("the last stage is a " + last.getClass().getSimpleName());
    }
    if (!(stages[stages.length - 2] instanceof VectorAssembler assembler)
        || !assembler.getOutputCol().equals(featuresCol)) {
      return Compilation.refused("the features are not assembled right before the model");
    }
    Map<String, Numeric> imputed = new HashMap<>();
    Map<String, Indexed> indexed = new HashMap<>();
    Map<String, OneHot> encoded = new HashMap<>();
    for (int k = 0; k < stages.length - 2; k++) {
      Transformer stage = stages[k];
      if (stage instanceof ImputerModel imputer) {
        if (!Double.isNaN(imputer.getMissingValue())) {
          return Compilation.refused("the Imputer's missingValue is " + imputer.getMissingValue());
        }
        String[] in = imputer.getInputCols();
        Row surrogates = imputer.surrogateDF().select(Arrays.stream(in).map(c -> col(Columns.quoted(c)))
            .toArray(Column[]::new)).head();
        for (int c = 0; c < in.length; c++) {
          imputed.put(imputer.getOutputCols()[c], new Numeric(in[c], ((Number) surrogates.get(c)).doubleValue(), 0));
        }
      } else if (stage instanceof StringIndexerModel indexer) {
        if (!"keep".equals(indexer.getHandleInvalid())) {
          return Compilation.refused("the StringIndexer's handleInvalid is " + indexer.getHandleInvalid());
        }
        String[] in = indexer.isSet(indexer.inputCols()) ? indexer.getInputCols()
            : new String[] {indexer.getInputCol()};
        String[] out = indexer.isSet(indexer.outputCols()) ? indexer.getOutputCols()
            : new String[] {indexer.getOutputCol()};
        for (int c = 0; c < in.length; c++) {
          indexed.put(out[c], new Indexed(in[c], indexer.labelsArray()[c], indexer));
        }
      } else if (stage instanceof OneHotEncoderModel oneHot) {
        if (!"error".equals(oneHot.getHandleInvalid())) {
          return Compilation.refused("the OneHotEncoder's handleInvalid is " + oneHot.getHandleInvalid());
        }
        String[] in = oneHot.isSet(oneHot.inputCols()) ? oneHot.getInputCols() : new String[] {oneHot.getInputCol()};
        String[] out = oneHot.isSet(oneHot.outputCols()) ? oneHot.getOutputCols()
            : new String[] {oneHot.getOutputCol()};
        for (int c = 0; c < in.length; c++) {
          encoded.put(out[c], new OneHot(in[c], oneHot.categorySizes()[c] - (oneHot.getDropLast() ? 1 : 0)));
        }
      } else {
        return Compilation.refused("stage " + k + " is a " + stage.getClass().getSimpleName());
      }
    }
    List<Term> terms = new ArrayList<>();
    Set<StringIndexerModel> needed = new LinkedHashSet<>();
    int offset = 0;
    for (String input : assembler.getInputCols()) {
      OneHot oneHot = encoded.get(input);
      int width = oneHot == null ? 1 : oneHot.size();
      if (offset + width > coefficients.length) {
        return Compilation.refused("the model has fewer coefficients than the assembled features");
      }
      double[] slice = Arrays.copyOfRange(coefficients, offset, offset + width);
      offset += width;
      if (oneHot == null) {
        if (indexed.containsKey(input) || encoded.containsKey(input)) {
          return Compilation.refused("an index column is assembled as a number");
        }
        Numeric source = imputed.getOrDefault(input, new Numeric(input, null, 0));
        if (slice[0] != 0.0) {
          terms.add(new Numeric(source.column(), source.surrogate(), slice[0]));
        }
        continue;
      }
      Indexed levels = indexed.get(oneHot.indexColumn());
      if (levels == null || levels.labels().length > width) {
        return Compilation.refused("a one-hot column does not encode a StringIndexer's levels");
      }
      // Index i < width is slot i of the vector; any other index (the spare one: unseen or missing) is all zeros.
      double[] byIndex = Arrays.copyOf(slice, levels.labels().length + 1);
      if (Arrays.stream(byIndex).allMatch(c -> c == 0.0)) {
        continue;
      }
      if (levels.labels().length > MAX_MAP_LEVELS) {
        needed.add(levels.stage());
        terms.add(new ByIndex(oneHot.indexColumn(), byIndex));
      } else {
        terms.add(byLevel(levels, byIndex));
      }
    }
    if (offset != coefficients.length) {
      return Compilation.refused("the model has more coefficients than the assembled features");
    }
    return Compilation.of(new LinearScorer(List.copyOf(terms), intercept, threshold, List.copyOf(needed)));
  }

  /** The levels whose coefficient differs from the spare index's, which stands for every other level. */
  private static ByLevel byLevel(Indexed levels, double[] byIndex) {
    double otherwise = byIndex[levels.labels().length];
    List<String> names = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < levels.labels().length; i++) {
      if (byIndex[i] != otherwise) {
        names.add(levels.labels()[i]);
        values.add(byIndex[i]);
      }
    }
    return new ByLevel(levels.column(), names.toArray(String[]::new),
        values.stream().mapToDouble(Double::doubleValue).toArray(), otherwise);
  }

  /**
   * The scorer as JSON: the format, the intercept, the binomial threshold (absent for least squares) and the terms in
   * the order they are summed (a numeric term's column, surrogate and coefficient; a categorical term's column,
   * levels, their coefficients and the coefficient of any other level). Empty when a term needs a fitted indexer
   * (a categorical of more than {@link #MAX_MAP_LEVELS} levels), or a number is not finite.
   */
  @Override
  public Optional<JsonNode> parameters() {
    if (!indexers.isEmpty()) {
      return Optional.empty();
    }
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    ObjectNode json = nodes.objectNode().put("format", PARAMETERS_FORMAT).put("intercept", intercept);
    if (binomial.present()) {
      json.put("threshold", binomial.value());
    }
    ArrayNode array = json.putArray("terms");
    for (Term term : terms) {
      ObjectNode node = array.addObject();
      if (term instanceof Numeric numeric) {
        node.put("column", numeric.column()).put("coefficient", numeric.coefficient());
        if (numeric.surrogate() != null) {
          node.put("surrogate", numeric.surrogate());
        }
      } else if (term instanceof ByLevel level) {
        node.put("column", level.column()).put("otherwise", level.otherwise());
        ArrayNode levels = node.putArray("levels");
        ArrayNode coefficients = node.putArray("coefficients");
        for (int i = 0; i < level.levels().length; i++) {
          levels.add(level.levels()[i]);
          coefficients.add(level.coefficients()[i]);
        }
      } else {
        return Optional.empty();
      }
    }
    return allFinite(json) ? Optional.of(json) : Optional.empty();
  }

  private static boolean allFinite(JsonNode node) {
    if (node.isNumber()) {
      return Double.isFinite(node.doubleValue());
    }
    for (JsonNode child : node) {
      if (!allFinite(child)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The scorer {@link #parameters()} describes.
   *
   * @throws IllegalArgumentException naming what is missing or malformed
   */
  static LinearScorer fromParameters(JsonNode json) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    if (json.path("format").asInt(-1) != PARAMETERS_FORMAT) {
      throw new IllegalArgumentException("format " + json.path("format") + ", this release reads "
          + PARAMETERS_FORMAT);
    }
    double intercept = number(json, "intercept");
    Threshold threshold = json.has("threshold") ? new Threshold(true, number(json, "threshold"))
        : new Threshold(false, 0);
    JsonNode array = json.path("terms");
    if (!array.isArray()) {
      throw new IllegalArgumentException("'terms' is not a list");
    }
    List<Term> terms = new ArrayList<>();
    for (int k = 0; k < array.size(); k++) {
      JsonNode node = array.get(k);
      String where = "term " + k;
      if (!node.path("column").isTextual()) {
        throw new IllegalArgumentException(where + " has no 'column'");
      }
      String column = node.path("column").asText();
      if (node.has("levels")) {
        JsonNode levels = node.path("levels");
        JsonNode coefficients = node.path("coefficients");
        if (!levels.isArray() || !coefficients.isArray() || levels.size() != coefficients.size()) {
          throw new IllegalArgumentException(where + " has 'levels' and 'coefficients' that are not lists of one "
              + "length");
        }
        String[] names = new String[levels.size()];
        double[] values = new double[levels.size()];
        for (int i = 0; i < names.length; i++) {
          if (!levels.get(i).isTextual() || !coefficients.get(i).isNumber()) {
            throw new IllegalArgumentException(where + ", level " + i + ": not a string and a number");
          }
          names[i] = levels.get(i).asText();
          values[i] = coefficients.get(i).doubleValue();
        }
        terms.add(new ByLevel(column, names, values, number(node, "otherwise")));
      } else {
        Double surrogate = node.has("surrogate") ? number(node, "surrogate") : null;
        terms.add(new Numeric(column, surrogate, number(node, "coefficient")));
      }
    }
    return new LinearScorer(List.copyOf(terms), intercept, threshold, List.of());
  }

  private static double number(JsonNode node, String field) {
    JsonNode value = node.path(field);
    if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
      throw new IllegalArgumentException("'" + field + "' is not a finite number: " + value);
    }
    return value.doubleValue();
  }

  @Override
  public Dataset<Row> score(Dataset<Row> batch) {
    Dataset<Row> prepared = batch;
    for (StringIndexerModel indexer : indexers) {
      prepared = indexer.transform(prepared);
    }
    List<Column> values = new ArrayList<>();
    for (Term term : terms) {
      values.add(expression(term, batch));
    }
    Column dot = Scorers.sum(values);
    Column margin = (dot == null ? lit(0.0) : dot).plus(lit(intercept));
    List<Column> output = Scorers.batchColumns(batch);
    if (binomial.present()) {
      prepared = prepared.withColumn(POSITIVE, lit(1.0).divide(lit(1.0).plus(exp(margin.unary_$minus()))));
      Column p = col(POSITIVE);
      output.add(when(p.gt(binomial.value()), lit(1.0)).otherwise(lit(0.0)).as(Columns.PREDICTION));
      output.add(p.as(ElasticNetPipeline.PROBABILITY));
    } else {
      output.add(margin.as(Columns.PREDICTION));
    }
    return prepared.select(output.toArray(Column[]::new));
  }

  private static Column expression(Term term, Dataset<Row> batch) {
    if (term instanceof Numeric numeric) {
      return imputed(numeric, batch.schema().apply(numeric.column()).dataType()).multiply(lit(numeric.coefficient()));
    }
    if (term instanceof ByLevel level) {
      return level.levels().length == 0 ? lit(level.otherwise())
          : coalesce(try_element_at(map_from_arrays(lit(level.levels()), lit(level.coefficients())),
              col(Columns.quoted(level.column())).cast("string")), lit(level.otherwise()));
    }
    ByIndex index = (ByIndex) term;
    return element_at(lit(index.byIndex()), col(Columns.quoted(index.indexColumn())).cast("int").plus(1));
  }

  /**
   * The value VectorAssembler would see: as the Imputer computes it (null, or NaN for floating types, becomes the
   * surrogate, and the result is cast back to the column's type), then as a double.
   */
  private static Column imputed(Numeric numeric, DataType type) {
    Column value = col(Columns.quoted(numeric.column())).cast("double");
    if (numeric.surrogate() == null) {
      return value;
    }
    Column surrogate = lit(numeric.surrogate());
    Column filled = coalesce(value, surrogate);
    if (type.equals(DataTypes.DoubleType) || type.equals(DataTypes.FloatType)) {
      filled = nanvl(filled, surrogate);
    }
    return type.equals(DataTypes.DoubleType) ? filled : filled.cast(type).cast("double");
  }

  @Override
  public String method() {
    return ScoringMode.COMPILED.specName();
  }

  /** Assembled features with a non-zero contribution, for tests and logs. */
  int terms() {
    return terms.size();
  }

  /** A StringIndexer's output column: the column it indexes and the levels, index by index. */
  private record Indexed(String column, String[] labels, StringIndexerModel stage) {}

  /** A one-hot encoded column: the index column it encodes and the width of its vector. */
  private record OneHot(String indexColumn, int size) {}
}

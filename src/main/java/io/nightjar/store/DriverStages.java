package io.nightjar.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightjar.error.ModelException;
import io.nightjar.io.DriverParquet;
import io.nightjar.pipeline.stage.SavedParams;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.ImputerModel;
import org.apache.spark.ml.feature.OneHotEncoderModel;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.Matrix;
import org.apache.spark.ml.linalg.MatrixUDT;
import org.apache.spark.ml.linalg.SparseMatrix;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * Spark's own stages with data, built as their {@code MLReadable} readers build them, but with data small enough for
 * the driver read there, with no Spark job ({@link DriverParquet}): an ALS model's factor tables, a string indexer's
 * labels, an imputer's surrogates, a one-hot encoder's category sizes, and the coefficients of a linear or logistic
 * regression. Spark's readers read the metadata with a job, infer each table's schema with another and collect the
 * data with a third (through Scala reflection's encoders); in a fresh JVM those small jobs cost seconds of CPU in a
 * short predict run. The saved params are parsed and applied by Spark's own code, as in {@link SavedParams}, and the
 * objects are made with the constructors Spark's readers call, so the stage is the one {@code PipelineModel.load}
 * gives ({@code PipelineLoaderTest} compares params and data). Anything this class does not recognise (a format of an
 * older Spark, data above {@link DriverParquet#MAX_BYTES}, data of another shape) is left to Spark's reader, which
 * also reports what is wrong with a damaged model.
 */
final class DriverStages {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ALS = ALSModel.class.getName();
  // Constants, for the switch in load; StageAllowList names the same classes.
  private static final String INDEXER = "org.apache.spark.ml.feature.StringIndexerModel";
  private static final String IMPUTER = "org.apache.spark.ml.feature.ImputerModel";
  private static final String ONE_HOT = "org.apache.spark.ml.feature.OneHotEncoderModel";
  private static final String LINEAR = "org.apache.spark.ml.regression.LinearRegressionModel";
  private static final String LOGISTIC = "org.apache.spark.ml.classification.LogisticRegressionModel";

  private DriverStages() {}

  /** True for the classes this reader may build. */
  static boolean handles(String className) {
    return ALS.equals(className) || INDEXER.equals(className) || IMPUTER.equals(className)
        || ONE_HOT.equals(className) || LINEAR.equals(className) || LOGISTIC.equals(className);
  }

  /**
   * The stage saved under {@code dir}, or empty when it is left to Spark's own reader.
   *
   * @throws ModelException when the saved metadata is malformed
   */
  static Optional<Transformer> load(String className, Path dir, Configuration conf) {
    if (ALS.equals(className)) {
      return als(SparkSession.active(), dir, conf);
    }
    // The others save one row of data under data/, read only when the model was saved by Spark 3 or later.
    DefaultParamsReader.Metadata metadata = SavedParams.metadata(dir, conf, className);
    if (majorVersion(metadata.sparkVersion()) < 3) {
      return Optional.empty();
    }
    Optional<Row> data = DriverParquet.rows(new Path(dir, "data"), conf, DriverParquet.MAX_BYTES)
        .filter(table -> table.rows().size() == 1)
        .map(table -> withSchema(table.rows().get(0), table.schema()));
    if (data.isEmpty()) {
      return Optional.empty();
    }
    Optional<Transformer> stage = switch (className) {
      case INDEXER -> indexer(metadata.uid(), data.get());
      case IMPUTER -> imputer(metadata.uid(), data.get());
      case ONE_HOT -> oneHot(metadata.uid(), data.get());
      case LINEAR -> linear(metadata.uid(), data.get());
      case LOGISTIC -> logistic(metadata.uid(), data.get());
      default -> Optional.empty();
    };
    stage.ifPresent(s -> metadata.getAndSetParams(s, Option.empty()));
    return stage;
  }

  /** As Spark's ImputerModel reader: one row, a double surrogate per input column, named after it. */
  private static Optional<Transformer> imputer(String uid, Row data) {
    StructType schema = data.schema();
    String[] columns = schema.fieldNames();
    double[] surrogates = new double[columns.length];
    for (int i = 0; i < columns.length; i++) {
      if (!schema.fields()[i].dataType().equals(DataTypes.DoubleType) || data.isNullAt(i)) {
        return Optional.empty();
      }
      surrogates[i] = data.getDouble(i);
    }
    return Optional.of(new ImputerModel(uid, columns, surrogates));
  }

  /** As Spark's OneHotEncoderModel reader: one row holding {@code categorySizes}. */
  private static Optional<Transformer> oneHot(String uid, Row data) {
    Optional<List<?>> sizes = field(data, "categorySizes", DataTypes.createArrayType(DataTypes.IntegerType, true))
        .map(List.class::cast);
    if (sizes.isEmpty() || sizes.get().contains(null)) {
      return Optional.empty();
    }
    return Optional.of(new OneHotEncoderModel(uid, sizes.get().stream().mapToInt(n -> (Integer) n).toArray()));
  }

  /** As Spark's LinearRegressionModel reader for a model saved by Spark 3 or later: intercept, coefficients, scale. */
  private static Optional<Transformer> linear(String uid, Row data) {
    Optional<Object> intercept = field(data, "intercept", DataTypes.DoubleType);
    Optional<Object> scale = field(data, "scale", DataTypes.DoubleType);
    Optional<Vector> coefficients = stored(data, "coefficients", VectorUDT.class).flatMap(DriverStages::vector);
    if (intercept.isEmpty() || scale.isEmpty() || coefficients.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new LinearRegressionModel(uid, coefficients.get(), (Double) intercept.get(),
        (Double) scale.get()));
  }

  /** The stored row of the field {@code name} when it is of the user-defined type {@code udt} and not null. */
  private static Optional<Row> stored(Row data, String name, Class<?> udt) {
    return data.schema().getFieldIndex(name).isDefined() && udt.isInstance(data.schema().apply(name).dataType())
        ? Optional.ofNullable((Row) data.get(data.fieldIndex(name))) : Optional.empty();
  }

  private static Row withSchema(Row row, StructType schema) {
    Object[] values = new Object[row.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = row.get(i);
    }
    return new GenericRowWithSchema(values, schema);
  }

  /**
   * As Spark's LogisticRegressionModel reader for a model saved by Spark 3 or later: the number of classes, whether it
   * is multinomial, the intercepts and the coefficient matrix.
   */
  private static Optional<Transformer> logistic(String uid, Row data) {
    Optional<Object> classes = field(data, "numClasses", DataTypes.IntegerType);
    Optional<Object> multinomial = field(data, "isMultinomial", DataTypes.BooleanType);
    Optional<Vector> intercepts = stored(data, "interceptVector", VectorUDT.class).flatMap(DriverStages::vector);
    Optional<Matrix> coefficients = stored(data, "coefficientMatrix", MatrixUDT.class)
        .flatMap(DriverStages::matrix);
    if (classes.isEmpty() || multinomial.isEmpty() || intercepts.isEmpty() || coefficients.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new LogisticRegressionModel(uid, coefficients.get(), intercepts.get(), (Integer) classes.get(),
        (Boolean) multinomial.get()));
  }

  /**
   * An ML matrix from the row Spark's {@code MatrixUDT} stores it as (type, numRows, numCols, colPtrs, rowIndices,
   * values, isTransposed): type 0 sparse, type 1 dense; empty for anything else.
   */
  static Optional<Matrix> matrix(Row stored) {
    if (stored == null || stored.isNullAt(0) || stored.isNullAt(1) || stored.isNullAt(2) || stored.isNullAt(5)
        || stored.isNullAt(6)) {
      return Optional.empty();
    }
    Optional<double[]> values = doubles(stored.get(5));
    if (values.isEmpty()) {
      return Optional.empty();
    }
    int rows = stored.getInt(1);
    int columns = stored.getInt(2);
    boolean transposed = stored.getBoolean(6);
    byte type = stored.getByte(0);
    if (type == 1) {
      return Optional.of(new DenseMatrix(rows, columns, values.get(), transposed));
    }
    if (type != 0 || stored.isNullAt(3) || stored.isNullAt(4)) {
      return Optional.empty();
    }
    Optional<int[]> pointers = ints(stored.get(3));
    Optional<int[]> indices = ints(stored.get(4));
    if (pointers.isEmpty() || indices.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new SparseMatrix(rows, columns, pointers.get(), indices.get(), values.get(), transposed));
  }

  private static Optional<double[]> doubles(Object list) {
    List<?> values = (List<?>) list;
    return values.contains(null) ? Optional.empty()
        : Optional.of(values.stream().mapToDouble(v -> (Double) v).toArray());
  }

  private static Optional<int[]> ints(Object list) {
    List<?> values = (List<?>) list;
    return values.contains(null) ? Optional.empty()
        : Optional.of(values.stream().mapToInt(v -> (Integer) v).toArray());
  }

  /** The non-null value of the field {@code name} of type {@code type}, if the row has it. */
  private static Optional<Object> field(Row data, String name, DataType type) {
    if (data.schema().getFieldIndex(name).isEmpty() || !data.schema().apply(name).dataType().equals(type)) {
      return Optional.empty();
    }
    return Optional.ofNullable(data.get(data.fieldIndex(name)));
  }

  /**
   * An ML vector from the row Spark's {@code VectorUDT} stores it as: type 0 sparse (size, indices, values), type 1
   * dense (values); empty for anything else.
   */
  static Optional<Vector> vector(Row stored) {
    if (stored == null || stored.isNullAt(0) || stored.isNullAt(3)) {
      return Optional.empty();
    }
    Optional<double[]> values = doubles(stored.get(3));
    if (values.isEmpty()) {
      return Optional.empty();
    }
    byte type = stored.getByte(0);
    if (type == 1) {
      return Optional.of(Vectors.dense(values.get()));
    }
    if (type != 0 || stored.isNullAt(1) || stored.isNullAt(2)) {
      return Optional.empty();
    }
    Optional<int[]> indices = ints(stored.get(2));
    if (indices.isEmpty() || indices.get().length != values.get().length) {
      return Optional.empty();
    }
    return Optional.of(Vectors.sparse(stored.getInt(1), indices.get(), values.get()));
  }

  /** As Spark's ALSModel reader: the rank from the metadata, the two factor tables, the saved params. */
  private static Optional<Transformer> als(SparkSession spark, Path dir, Configuration conf) {
    Optional<Dataset<Row>> users = DriverParquet.read(spark, new Path(dir, "userFactors"), conf);
    Optional<Dataset<Row>> items = users.isEmpty() ? Optional.empty()
        : DriverParquet.read(spark, new Path(dir, "itemFactors"), conf);
    if (items.isEmpty()) {
      return Optional.empty();
    }
    DefaultParamsReader.Metadata metadata = SavedParams.metadata(dir, conf, ALS);
    JsonNode rank = json(metadata, dir).path("rank");
    if (!rank.isInt()) {
      throw new ModelException("the saved ALS model " + dir + " records no whole-number rank in its metadata; "
          + "retrain the model");
    }
    ALSModel model = new ALSModel(metadata.uid(), rank.asInt(), users.get(), items.get());
    metadata.getAndSetParams(model, Option.empty());
    return Optional.of(model);
  }

  /**
   * As Spark's StringIndexerModel reader for a model saved by Spark 3 or later: one row whose {@code labelsArray}
   * holds the labels of each input column.
   */
  private static Optional<Transformer> indexer(String uid, Row data) {
    Optional<List<?>> columns = field(data, "labelsArray", DataTypes.createArrayType(
        DataTypes.createArrayType(DataTypes.StringType, true), true)).map(List.class::cast);
    if (columns.isEmpty() || columns.get().contains(null)) {
      return Optional.empty();
    }
    String[][] labels = new String[columns.get().size()][];
    for (int column = 0; column < labels.length; column++) {
      labels[column] = ((List<?>) columns.get().get(column)).toArray(String[]::new);
    }
    return Optional.of(new StringIndexerModel(uid, labels));
  }

  private static JsonNode json(DefaultParamsReader.Metadata metadata, Path dir) {
    try {
      return JSON.readTree(metadata.metadataJson());
    } catch (java.io.IOException e) {
      throw new ModelException("the metadata of the saved stage " + dir + " is not JSON: " + e.getMessage(), e);
    }
  }

  /** The major version of a Spark version string ("4.1.0" gives 4); 0 when it does not start with a number. */
  static int majorVersion(String sparkVersion) {
    int end = 0;
    while (end < sparkVersion.length() && Character.isDigit(sparkVersion.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Integer.parseInt(sparkVersion.substring(0, Math.min(end, 9)));
  }
}

package io.nightjar.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * A small Parquet dataset that Spark wrote (a saved model's lookup table: ALS factors, an indexer's labels, biases),
 * read on the driver with no Spark job. Read through Spark, such a table costs a schema-inference job and a job to
 * collect it, and in a fresh JVM each small job costs far more than the bytes it reads: task serialization, the
 * Hadoop configuration shipped with it, the closure cleaner, all compiled for the first time.
 *
 * <p>Only what Spark itself would read is read: the schema is the one Spark recorded in the footers (every file must
 * record the same one), and the values are converted to that schema's types. Only the types a saved model's tables use
 * are handled: whole numbers, floats, doubles, booleans, strings, and arrays and structs of those (nested too); a
 * user-defined type (an ML vector) comes back from {@link #rows} as a row of its SQL type, for the caller to build,
 * and is refused by {@link #read}. For anything else (another type, a file written by another tool, a dataset above
 * the size limit, partition directories) the answer is empty, and the caller reads the dataset with Spark as before.
 */
public final class DriverParquet {
  /** Above this many bytes of Parquet files a table is left to Spark: collecting it would cost the driver memory. */
  public static final long MAX_BYTES = 16L << 20;

  private DriverParquet() {}

  /**
   * The dataset under {@code dir} as a local DataFrame (its plan holds the rows, so no Spark job reads or collects
   * it), or empty when it cannot or should not be read on the driver ({@link #rows}).
   */
  public static Optional<Dataset<Row>> read(SparkSession spark, Path dir, Configuration conf) {
    return rows(dir, conf, MAX_BYTES).filter(table -> !hasUserType(table.schema()))
        .map(table -> spark.createDataFrame(table.rows(), table.schema()));
  }

  /**
   * The rows of the Spark-written Parquet dataset under {@code dir} and the schema Spark reads them with (the one its
   * footers record, every field nullable, as Spark makes a file source's schema). Empty when its data files add up to
   * more than {@code maxBytes}, when it has a subdirectory (partitions) or no data file, when a file records no Spark
   * schema or another one than the first, or when a column's type is not one handled here.
   *
   * @throws UncheckedIOException when a file cannot be read
   */
  public static Optional<Table> rows(Path dir, Configuration conf, long maxBytes) {
    List<FileStatus> files;
    try {
      FileStatus[] listed = dir.getFileSystem(conf).listStatus(dir);
      if (Arrays.stream(listed).anyMatch(FileStatus::isDirectory)) {
        return Optional.empty();
      }
      files = Arrays.stream(listed)
          .filter(s -> !s.getPath().getName().startsWith("_") && !s.getPath().getName().startsWith("."))
          .sorted(Comparator.comparing(s -> s.getPath().toString()))
          .toList();
    } catch (FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    long bytes = files.stream().mapToLong(FileStatus::getLen).sum();
    if (files.isEmpty() || bytes > maxBytes) {
      return Optional.empty();
    }
    StructType schema = null;
    List<Row> rows = new ArrayList<>();
    for (FileStatus file : files) {
      schema = readFile(file, conf, schema, rows);
      if (schema == null) {
        return Optional.empty();
      }
    }
    return Optional.of(new Table((StructType) nullable(schema), rows));
  }

  /** The type with every field and element nullable, as Spark reads a file source's schema. */
  private static DataType nullable(DataType type) {
    if (type instanceof StructType struct) {
      StructType all = new StructType();
      for (StructField field : struct.fields()) {
        all = all.add(field.name(), nullable(field.dataType()), true, field.metadata());
      }
      return all;
    }
    if (type instanceof ArrayType array) {
      return DataTypes.createArrayType(nullable(array.elementType()), true);
    }
    return type;
  }

  /**
   * A table read on the driver: Spark's schema for it and its rows, with values of that schema's external types, but
   * an array as a {@code java.util.List} (which {@code createDataFrame} takes).
   */
  public record Table(StructType schema, List<Row> rows) {}

  /**
   * Adds the file's rows to {@code rows}, opening it once: the Spark schema its footer records, then its row groups.
   * Returns that schema, or null when the file cannot be read here: no Spark schema, another one than
   * {@code expected} (the first file's; null for the first file), a type or Parquet layout this class does not
   * convert, or not a Parquet file at all (Spark's own read then says what is wrong).
   */
  private static StructType readFile(FileStatus file, Configuration conf, StructType expected, List<Row> rows) {
    ParquetFileReader reader;
    try {
      reader = ParquetFileReader.open(HadoopInputFile.fromStatus(file, conf));
    } catch (IOException | RuntimeException e) {
      return null;
    }
    try (reader) {
      Optional<StructType> recorded = ParquetSchemas.recorded(reader.getFooter().getFileMetaData());
      MessageType layout = reader.getFooter().getFileMetaData().getSchema();
      if (recorded.isEmpty() || (expected != null && !expected.equals(recorded.get()))
          || !supported(recorded.get()) || !matches(layout, recorded.get())) {
        return null;
      }
      StructType schema = recorded.get();
      MessageColumnIO columns = new ColumnIOFactory().getColumnIO(layout);
      for (PageReadStore rowGroup = reader.readNextRowGroup(); rowGroup != null;
          rowGroup = reader.readNextRowGroup()) {
        RecordReader<Group> records = columns.getRecordReader(rowGroup, new GroupRecordConverter(layout));
        for (long row = 0; row < rowGroup.getRowCount(); row++) {
          Group group = records.read();
          Object[] values = new Object[schema.size()];
          for (int field = 0; field < values.length; field++) {
            values[field] = value(group, schema.fields()[field].name(), schema.fields()[field].dataType());
          }
          rows.add(RowFactory.create(values));
        }
      }
      return schema;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file.getPath(), e);
    }
  }

  /** True when every field of {@code schema} is in the file's schema with a layout {@link #value} converts. */
  private static boolean matches(GroupType file, StructType schema) {
    for (StructField field : schema.fields()) {
      if (!file.containsField(field.name()) || file.getType(field.name()).isRepetition(Type.Repetition.REPEATED)
          || !layoutOf(file.getType(field.name()), field.dataType())) {
        return false;
      }
    }
    return true;
  }

  private static boolean layoutOf(Type type, DataType dataType) {
    if (dataType instanceof UserDefinedType<?> udt) {
      return layoutOf(type, udt.sqlType());
    }
    if (dataType instanceof StructType struct) {
      return !type.isPrimitive() && type.getLogicalTypeAnnotation() == null && matches(type.asGroupType(), struct);
    }
    if (dataType instanceof ArrayType array) {
      return !type.isPrimitive() && element(type.asGroupType()) != null
          && layoutOf(element(type.asGroupType()), array.elementType());
    }
    if (!type.isPrimitive()) {
      return false;
    }
    PrimitiveType.PrimitiveTypeName physical = type.asPrimitiveType().getPrimitiveTypeName();
    if (dataType.equals(DataTypes.IntegerType) || dataType.equals(DataTypes.ShortType)
        || dataType.equals(DataTypes.ByteType)) {
      return physical == PrimitiveType.PrimitiveTypeName.INT32;
    }
    if (dataType.equals(DataTypes.LongType)) {
      return physical == PrimitiveType.PrimitiveTypeName.INT64;
    }
    if (dataType.equals(DataTypes.DoubleType)) {
      return physical == PrimitiveType.PrimitiveTypeName.DOUBLE;
    }
    if (dataType.equals(DataTypes.FloatType)) {
      return physical == PrimitiveType.PrimitiveTypeName.FLOAT;
    }
    if (dataType.equals(DataTypes.BooleanType)) {
      return physical == PrimitiveType.PrimitiveTypeName.BOOLEAN;
    }
    if (dataType.equals(DataTypes.StringType)) {
      return physical == PrimitiveType.PrimitiveTypeName.BINARY;
    }
    return false;
  }

  /**
   * The element type of a Parquet list ({@code LIST} group of one repeated field), or null when the group is not
   * one: the repeated field itself in the two-level layouts ({@link #twoLevel}), else the repeated group's one field.
   */
  private static Type element(GroupType list) {
    if (!(list.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation)
        || list.getFieldCount() != 1 || !list.getType(0).isRepetition(Type.Repetition.REPEATED)) {
      return null;
    }
    Type repeated = list.getType(0);
    return twoLevel(list) ? repeated : repeated.asGroupType().getType(0);
  }

  /**
   * True when the list's repeated field is the element itself, by the rules Spark's Parquet schema converter applies
   * for files written before the three-level layout (Spark's own with {@code spark.sql.parquet.writeLegacyFormat}): a
   * repeated primitive, a repeated group of several fields, or one named {@code array} or {@code <list>_tuple}.
   * Otherwise the repeated group holds the element as its one field (the three-level layout).
   */
  private static boolean twoLevel(GroupType list) {
    Type repeated = list.getType(0);
    return repeated.isPrimitive() || repeated.asGroupType().getFieldCount() != 1
        || repeated.getName().equals("array") || repeated.getName().equals(list.getName() + "_tuple");
  }

  /** The value of field {@code name} of {@code group} as Spark reads it with type {@code type}; null when unset. */
  private static Object value(Group group, String name, DataType type) {
    int index = group.getType().getFieldIndex(name);
    return group.getFieldRepetitionCount(index) == 0 ? null : value(group, index, 0, type);
  }

  private static Object value(Group group, int field, int at, DataType type) {
    if (type instanceof UserDefinedType<?> udt) {
      return value(group, field, at, udt.sqlType());
    }
    if (type instanceof StructType struct) {
      Group nested = group.getGroup(field, at);
      Object[] values = new Object[struct.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = value(nested, struct.fields()[i].name(), struct.fields()[i].dataType());
      }
      return RowFactory.create(values);
    }
    if (type instanceof ArrayType array) {
      Group list = group.getGroup(field, at);
      int n = list.getFieldRepetitionCount(0);
      List<Object> values = new ArrayList<>(n);
      boolean threeLevel = !twoLevel(list.getType());
      for (int i = 0; i < n; i++) {
        if (threeLevel) {
          Group holder = list.getGroup(0, i);
          values.add(holder.getFieldRepetitionCount(0) == 0 ? null : value(holder, 0, 0, array.elementType()));
        } else {
          values.add(value(list, 0, i, array.elementType()));
        }
      }
      return values;
    }
    if (type.equals(DataTypes.IntegerType)) {
      return group.getInteger(field, at);
    }
    if (type.equals(DataTypes.ShortType)) {
      return (short) group.getInteger(field, at);
    }
    if (type.equals(DataTypes.ByteType)) {
      return (byte) group.getInteger(field, at);
    }
    if (type.equals(DataTypes.LongType)) {
      return group.getLong(field, at);
    }
    if (type.equals(DataTypes.DoubleType)) {
      return group.getDouble(field, at);
    }
    if (type.equals(DataTypes.FloatType)) {
      return group.getFloat(field, at);
    }
    if (type.equals(DataTypes.BooleanType)) {
      return group.getBoolean(field, at);
    }
    if (type.equals(DataTypes.StringType)) {
      return group.getString(field, at);
    }
    throw new IllegalArgumentException("not a type read on the driver: " + type);
  }

  /** True when the type is, or holds, a user-defined type (an ML vector or matrix). */
  private static boolean hasUserType(DataType type) {
    if (type instanceof UserDefinedType<?>) {
      return true;
    }
    if (type instanceof ArrayType array) {
      return hasUserType(array.elementType());
    }
    return type instanceof StructType struct
        && Arrays.stream(struct.fields()).anyMatch(field -> hasUserType(field.dataType()));
  }

  /** True when every column's type is one {@link #value} converts. */
  private static boolean supported(StructType schema) {
    return Arrays.stream(schema.fields()).allMatch(field -> supported(field.dataType()));
  }

  private static boolean supported(DataType type) {
    if (type instanceof ArrayType array) {
      return supported(array.elementType());
    }
    if (type instanceof StructType struct) {
      return supported(struct);
    }
    if (type instanceof UserDefinedType<?> udt) {
      return supported(udt.sqlType());
    }
    return type.equals(DataTypes.IntegerType) || type.equals(DataTypes.ShortType) || type.equals(DataTypes.ByteType)
        || type.equals(DataTypes.LongType) || type.equals(DataTypes.DoubleType) || type.equals(DataTypes.FloatType)
        || type.equals(DataTypes.BooleanType) || type.equals(DataTypes.StringType);
  }
}

package io.nightjar.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nightjar.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the footers of written score files show: a score column is shown finite only when every chunk's statistics
 * record no null and a finite minimum and maximum. This also pins down the behaviour of the Parquet writer Spark
 * ships that the rule relies on: a chunk holding a NaN gets no minimum or maximum, and infinities are recorded.
 */
class WrittenFilesTest extends SparkTestBase {
  private static final StructType SCHEMA = new StructType().add("ds", DataTypes.StringType)
      .add("prediction", DataTypes.DoubleType, true).add("probability", DataTypes.DoubleType, true)
      .add("score", DataTypes.FloatType, true);

  @TempDir
  static Path dir;

  private static int written;

  @BeforeAll
  static void quiet() {
    spark.sparkContext().setLogLevel("ERROR");
  }

  @Test
  void finiteScoresAreShownFiniteByTheFooters() throws IOException {
    WrittenFiles.Written w = write(rows(1.0, -0.0, 0.0, 2.5e300, -7.0));
    assertEquals(Set.of(), w.notShownFinite());
    assertEquals(Map.of("a", new WrittenFiles.Counts(5, 1), "b", new WrittenFiles.Counts(5, 1)), w.counts());
  }

  @Test
  void aNanAnInfinityOrANullInAnyFileLeavesTheColumnNotShownFinite() throws IOException {
    for (Double bad : Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, null)) {
      List<Row> rows = rows(1.0, 2.0, 3.0);
      // Only the prediction of one row in partition b is bad; probability and score stay finite.
      rows.set(4, RowFactory.create("b", bad, 0.5, 1.5f));
      assertEquals(Set.of("prediction"), write(rows).notShownFinite(), "with " + bad);
    }
  }

  @Test
  void floatColumnsAreReadAlike() throws IOException {
    for (Float bad : Arrays.asList(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)) {
      List<Row> rows = rows(1.0, 2.0);
      rows.set(0, RowFactory.create("a", 1.0, 0.5, bad));
      assertEquals(Set.of("score"), write(rows).notShownFinite(), "with " + bad);
    }
  }

  @Test
  void withoutStatisticsNothingIsShownFinite() throws IOException {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    hadoop.set("parquet.column.statistics.enabled", "false");
    try {
      assertEquals(Set.of("prediction", "probability", "score"), write(rows(1.0, 2.0)).notShownFinite());
    } finally {
      hadoop.unset("parquet.column.statistics.enabled");
    }
  }

  @Test
  void aColumnMissingFromAFileWithRowsIsNotShownFinite() throws IOException {
    Path root = dir.resolve("missing");
    spark.createDataFrame(rows(1.0, 2.0), SCHEMA).drop("probability").write().partitionBy("ds")
        .parquet(root.toString());
    assertEquals(Set.of("probability"), WrittenFiles.underRoot(new org.apache.hadoop.fs.Path(root.toString()), "ds",
        Set.of("prediction", "probability"), new Configuration()).notShownFinite());
  }

  @Test
  void anEmptyOutputShowsEverythingFinite() {
    WrittenFiles.Written w = WrittenFiles.underRoot(new org.apache.hadoop.fs.Path(dir.resolve("none").toString()),
        "ds", Set.of("prediction"), new Configuration());
    assertEquals(Set.of(), w.notShownFinite());
    assertEquals(Map.of(), w.counts());
  }

  /** The predictions in partition a, then the same in partition b; probability 0.5 and score 1.5 in every row. */
  private static List<Row> rows(double... predictions) {
    List<Row> rows = new ArrayList<>();
    for (String ds : List.of("a", "b")) {
      for (double p : predictions) {
        rows.add(RowFactory.create(ds, p, 0.5, 1.5f));
      }
    }
    return rows;
  }

  private static WrittenFiles.Written write(List<Row> rows) throws IOException {
    Path root = dir.resolve("w" + written++);
    spark.createDataFrame(rows, SCHEMA).coalesce(1).write().partitionBy("ds").parquet(root.toString());
    Files.createDirectories(root);
    return WrittenFiles.underRoot(new org.apache.hadoop.fs.Path(root.toString()), "ds",
        Set.of("prediction", "probability", "score"), new Configuration());
  }
}

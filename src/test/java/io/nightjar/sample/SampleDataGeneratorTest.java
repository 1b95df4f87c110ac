package io.nightjar.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed sample data is exactly what the committed generator writes. */
class SampleDataGeneratorTest extends SparkTestBase {
  private static final Path COMMITTED = Path.of("data");

  @TempDir
  static Path generated;

  @BeforeAll
  static void generate() {
    SampleDataGenerator.generate(spark, generated.toString());
  }

  @Test
  void trainingFilesAreByteForByteTheCommittedOnes() throws IOException {
    for (String file : List.of("ratings/train/ratings.csv", "homes/train/homes.csv")) {
      assertArrayEquals(Files.readAllBytes(COMMITTED.resolve(file)), Files.readAllBytes(generated.resolve(file)),
          file);
    }
  }

  @Test
  void batchesHoldTheCommittedRows() {
    for (String batch : List.of("ratings/batches", "homes/batches")) {
      Dataset<Row> committed = spark.read().parquet(COMMITTED.resolve(batch).toString());
      Dataset<Row> fresh = spark.read().parquet(generated.resolve(batch).toString());
      assertEquals(committed.count(), fresh.count(), batch);
      assertEquals(0, committed.exceptAll(fresh).count(), batch);
      assertEquals(0, fresh.exceptAll(committed).count(), batch);
    }
  }

  @Test
  void batchesIncludeIdsNeverSeenInTraining() {
    Dataset<Row> train = spark.read().option("header", "true").csv(generated.resolve("ratings/train").toString());
    Dataset<Row> batch = spark.read().parquet(generated.resolve("ratings/batches").toString());
    long unseenUsers = batch.select("user_id").distinct().except(train.select("user_id").distinct()).count();
    long unseenItems = batch.select("item_id").distinct().except(train.select("item_id").distinct()).count();
    assertTrue(unseenUsers > 0, "unseen users in the batches");
    assertTrue(unseenItems > 0, "unseen items in the batches");
  }
}

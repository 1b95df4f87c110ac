package io.nightjar.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command-line contract: exit codes and messages. Commands that reach Spark start and stop their own local
 * session, as they do in production.
 */
class MainTest {
  @TempDir
  Path dir;

  private Path job;
  private Path env;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void writeSpecs() throws IOException {
    job = dir.resolve("job.yaml");
    Files.writeString(job, """
        name: ratings
        kind: als
        input: {path: %1$s/train, format: csv}
        columns: {user: user_id, item: item_id, rating: rating}
        model: {store: %1$s/models}
        predict:
          input: {path: %1$s/batches}
          output: {path: %1$s/output}
        """.formatted(dir));
    env = dir.resolve("env.yaml");
    Files.writeString(env, """
        spark:
          master: local[2]
          conf: {spark.sql.shuffle.partitions: "2", spark.ui.enabled: "false"}
        """);
  }

  private int run(String... args) {
    return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void helpOnEveryVerbExitsZero() {
    assertEquals(0, run("--help"));
    assertTrue(out.toString().contains("train"), out.toString());
    assertTrue(out.toString().contains("Exit codes: 0 success"), out.toString());
    assertEquals(0, run("train", "--help"));
    assertEquals(0, run("predict", "--help"));
    assertEquals(0, run("models", "list", "--help"));
    assertTrue(out.toString().contains("--run-date"), out.toString());
  }

  @Test
  void noCommandIsAUsageError() {
    assertEquals(2, run());
    assertTrue(err.toString().contains("name a command: train, predict or models"), err.toString());
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    assertEquals(2, run("train", "--job", job.toString(), "--frobnicate"));
    assertTrue(err.toString().contains("Unknown option: '--frobnicate'"), err.toString());
  }

  @Test
  void aMissingJobSpecFileIsAUsageError() {
    assertEquals(2, run("train", "--job", dir.resolve("nope.yaml").toString()));
    assertTrue(err.toString().contains("the job spec " + dir.resolve("nope.yaml") + " does not exist"),
        err.toString());
  }

  @Test
  void anUnknownSpecKeyIsAUsageErrorNamingTheKey() {
    assertEquals(2, run("train", "--job", job.toString(), "--set", "params.rank=5", "--set", "modle.store=x"));
    assertTrue(err.toString().contains("unknown key 'modle'"), err.toString());
  }

  @Test
  void predictNeedsExactlyOneOfRunDateAndAllPartitions() {
    assertEquals(2, run("predict", "--job", job.toString()));
    assertEquals(2, run("predict", "--job", job.toString(), "--run-date", "2026-11-20", "--all-partitions"));
    assertTrue(err.toString().contains("mutually exclusive"), err.toString());
  }

  @Test
  void aMalformedRunDateIsAUsageError() {
    assertEquals(2, run("predict", "--job", job.toString(), "--run-date", "20-11-2026"));
    assertTrue(err.toString().contains("--run-date '20-11-2026' is not a date of the form YYYY-MM-DD"),
        err.toString());
  }

  @Test
  void listingAnEmptyStoreSaysHowToTrain() {
    assertEquals(0, run("models", "list", "--job", job.toString()));
    assertTrue(out.toString().contains("no model versions in"), out.toString());
  }

  @Test
  void theEnvironmentsModelRootLocatesARelativeModelStore() throws IOException {
    Path roots = dir.resolve("roots.yaml");
    Files.writeString(roots, "modelRoot: " + dir.resolve("elsewhere") + "\n");
    assertEquals(0, run("models", "list", "--job", job.toString(), "--conf", roots.toString(),
        "--set", "model.store=models/ratings"));
    assertTrue(out.toString().contains("no model versions in file:" + dir.resolve("elsewhere/models/ratings")),
        out.toString());
  }

  @Test
  void missingTrainingInputIsAnInputDataError() {
    assertEquals(3, run("train", "--job", job.toString(), "--conf", env.toString()));
    assertTrue(err.toString().contains("training input path " + dir.resolve("train") + " does not exist"),
        err.toString());
  }

  private void writeRatingsCsv(String badLine) throws IOException {
    Files.createDirectories(dir.resolve("train"));
    StringBuilder csv = new StringBuilder("user_id,item_id,rating\n");
    for (int k = 0; k < 50; k++) {
      csv.append("u").append(k % 7).append(",m").append(k % 5).append(",").append(1 + k % 5).append("\n");
    }
    csv.append(badLine).append("\n");
    Files.writeString(dir.resolve("train").resolve("ratings.csv"), csv);
  }

  @Test
  void aNonNumericRatingColumnIsAnInputDataErrorNamingIt() throws IOException {
    writeRatingsCsv("u1,m2,four stars");
    assertEquals(3, run("train", "--job", job.toString(), "--conf", env.toString()));
    assertTrue(err.toString().contains("column 'rating' (columns.rating) has type string; ratings must be numeric"),
        err.toString());
  }

  @Test
  void aMalformedLineUnderADeclaredSchemaFailsTheRunInsteadOfBecomingNull() throws IOException {
    writeRatingsCsv("u1,m2,four stars");
    assertEquals(3, run("train", "--job", job.toString(), "--conf", env.toString(),
        "--set", "input.schema=user_id STRING, item_id STRING, rating DOUBLE"));
    assertTrue(err.toString().contains("nightjar: error: "), err.toString());
    assertTrue(err.toString().contains("four stars"), "names the bad value: " + err);
  }

  @Test
  void anInvalidSchemaIsAUsageError() throws IOException {
    writeRatingsCsv("u1,m2,4");
    assertEquals(2, run("train", "--job", job.toString(), "--conf", env.toString(),
        "--set", "input.schema=user_id STRNG"));
    assertTrue(err.toString().contains("input schema 'user_id STRNG' is not a valid Spark DDL schema"),
        err.toString());
  }

  @Test
  void predictWithoutAModelIsAModelError() {
    assertEquals(4, run("predict", "--job", job.toString(), "--conf", env.toString(), "--all-partitions"));
    assertTrue(err.toString().contains("no current model in"), err.toString());
  }
}

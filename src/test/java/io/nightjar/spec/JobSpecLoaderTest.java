package io.nightjar.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.error.ExitCode;
import io.nightjar.error.JobSpecException;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobSpecLoaderTest {
  private static final String ALS = """
      name: ratings-als
      kind: als
      input: {path: data/ratings/train, format: csv, options: {header: "true"}}
      columns: {user: user_id, item: item_id, rating: rating}
      params: {rank: 10, maxIter: 10, regParam: 0.1}
      seed: 7
      model: {store: models/ratings-als}
      predict:
        input: {path: data/ratings/batches, format: parquet}
        output: {path: output/ratings-als}
        partition: ds
      """;

  private static JobSpec load(String yaml, String... overrides) {
    return JobSpecLoader.load("job.yaml", yaml, List.of(overrides));
  }

  private static String failure(String yaml, String... overrides) {
    JobSpecException e = assertThrows(JobSpecException.class, () -> load(yaml, overrides));
    assertEquals(ExitCode.USAGE, e.exitCode());
    return e.getMessage();
  }

  @Test
  void readsEveryKeyOfAnAlsSpec() {
    JobSpec spec = load(ALS);
    assertEquals("ratings-als", spec.name());
    assertEquals(ModelKind.ALS, spec.kind());
    assertEquals(new InputSpec("data/ratings/train", "csv", java.util.Map.of("header", "true"), null), spec.input());
    assertEquals(new AlsColumns("user_id", "item_id", "rating"), spec.alsColumns());
    assertEquals(10, spec.params().get("rank").asInt());
    assertEquals(7L, spec.seed());
    assertEquals("models/ratings-als", spec.modelStore());
    assertEquals("output/ratings-als", spec.predict().outputPath());
    assertEquals("ds", spec.predict().partition());
    assertEquals(EvaluationSpec.DEFAULT_HOLDOUT_FRACTION, spec.evaluation().holdoutFraction());
    assertEquals(BiasSpec.DEFAULT, spec.biases());
  }

  @Test
  void predictScoringIsCompiledUnlessTheSpecSaysSpark() {
    assertEquals(ScoringMode.COMPILED, load(ALS).predict().scoring());
    assertEquals(ScoringMode.SPARK, load(ALS, "predict.scoring=spark").predict().scoring());
    assertEquals(ScoringMode.COMPILED, load(ALS, "predict.scoring=Compiled").predict().scoring());
    String message = failure(ALS, "predict.scoring=fast");
    assertTrue(message.contains("predict.scoring = 'fast'") && message.contains("compiled")
        && message.contains("spark"), message);
  }

  @Test
  void defaultsSeedFormatAndFeatures() {
    JobSpec spec = load("""
        name: homes
        kind: elasticnet
        input: {path: data/homes}
        columns: {label: price}
        model: {store: models/homes}
        """);
    assertEquals(JobSpec.DEFAULT_SEED, spec.seed());
    assertEquals("parquet", spec.input().format());
    assertEquals(List.of(), spec.tabularColumns().features());
    assertNull(spec.predict());
  }

  @Test
  void rejectsAnUnknownTopLevelKeyByName() {
    String message = failure(ALS + "sede: 3\n");
    assertTrue(message.contains("unknown key 'sede' at the top level"), message);
    assertTrue(message.contains("seed"), "lists the known keys: " + message);
  }

  @Test
  void rejectsAnUnknownNestedKeyWithItsPath() {
    String message = failure(ALS.replace("format: csv,", "fromat: csv,"));
    assertEquals("job.yaml: unknown key 'input.fromat' under 'input'; known keys there are: format, options, path, "
        + "schema", message);
  }

  @Test
  void namesAMissingRequiredKey() {
    String message = failure(ALS.replace("model: {store: models/ratings-als}\n", ""));
    assertEquals("job.yaml: required key 'model' is missing; set it to a mapping with keys keep, onSparkVersionMismatch, "
        + "store", message);
  }

  @Test
  void rejectsAnUnknownKind() {
    assertEquals("job.yaml: key 'kind' is 'svd'; it must be one of als, elasticnet",
        failure(ALS.replace("kind: als", "kind: svd")));
  }

  @Test
  void rejectsAnUnknownFormat() {
    assertEquals("job.yaml: key 'input.format' is 'xml'; it must be one of parquet, csv, json",
        failure(ALS.replace("format: csv", "format: xml")));
  }

  @Test
  void rejectsAWrongValueType() {
    assertEquals("job.yaml: key 'seed' is 'forty-two'; it must be a whole number",
        failure(ALS.replace("seed: 7", "seed: forty-two")));
  }

  @Test
  void rejectsBiasesOnAnElasticNetJob() {
    String message = failure("""
        name: homes
        kind: elasticnet
        input: {path: data/homes}
        columns: {label: price}
        biases: {regParam: 3}
        model: {store: models/homes}
        """);
    assertTrue(message.contains("'biases' applies to kind als only"), message);
  }

  @Test
  void rejectsAHoldoutOutsideItsRange() {
    String message = failure(ALS + "evaluation: {holdout: 0.9}\n");
    assertEquals("job.yaml: key 'evaluation.holdout' is 0.9; it must be a fraction above 0 and below 0.5, such as 0.2",
        message);
  }

  @Test
  void reportsInvalidYamlWithItsLine() {
    String message = failure("name: x\nkind: [als\n");
    assertTrue(message.startsWith("job.yaml: not valid YAML"), message);
  }

  @Test
  void overridesKeysByDottedPathWithTypedValues() {
    JobSpec spec = load(ALS, "input.path=/data/x", "params.rank=20", "seed=9", "predict.partition=day",
        "input.options.delimiter=;");
    assertEquals("/data/x", spec.input().path());
    assertEquals(20, spec.params().get("rank").asInt());
    assertTrue(spec.params().get("rank").isInt());
    assertEquals(9L, spec.seed());
    assertEquals("day", spec.predict().partition());
    assertEquals(";", spec.input().options().get("delimiter"));
  }

  @Test
  void overrideCanAddAMissingSection() {
    JobSpec spec = load(ALS, "evaluation.holdout=0.25", "biases.regParam=2.5");
    assertEquals(0.25, spec.evaluation().holdoutFraction());
    assertEquals(2.5, spec.biases().regParam());
  }

  @Test
  void overrideOfAnUnknownKeyIsRejectedByName() {
    String message = failure(ALS, "input.pth=/x");
    assertTrue(message.contains("unknown key 'input.pth'"), message);
    assertTrue(message.startsWith("job.yaml (with --set overrides)"), message);
  }

  @Test
  void overrideWithoutEqualsSignIsRejected() {
    assertEquals("--set 'params.rank' is not of the form KEY=VALUE; for example --set params.rank=20",
        failure(ALS, "params.rank"));
  }

  @Test
  void overrideIntoAScalarIsRejected() {
    String message = failure(ALS, "seed.value=3");
    assertEquals("--set seed.value: 'seed' holds the value 7, not a mapping, so it has no key 'value'", message);
  }

  @Test
  void readsTheEmbeddedEnvironmentDefault() {
    EnvConfig env = EnvConfig.embeddedDefault();
    assertEquals("local[*]", env.master());
    assertEquals("8", env.sparkConf().get("spark.sql.shuffle.partitions"));
    assertNull(env.checkpointDir());
  }

  @Test
  void rejectsAnUnknownEnvironmentKey() {
    JobSpecException e = assertThrows(JobSpecException.class,
        () -> EnvConfig.load("env.yaml", "spark:\n  master: local[2]\n  executors: 3\n"));
    assertEquals("env.yaml: unknown key 'spark.executors' under 'spark'; known keys there are: conf, master",
        e.getMessage());
  }
}

package io.nightjar.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.error.JobSpecException;
import io.nightjar.spec.EnvConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How a run's Spark settings are resolved. spark-submit hands its settings to the driver as {@code spark.*} system
 * properties (in client mode, and in the driver JVM it launches in cluster mode); these tests set them the same way.
 */
class SparkSessionsTest {
  private final Map<String, String> saved = new HashMap<>();

  /** Sets a system property as spark-submit would, remembering the old value for {@link #restore}. */
  private void submitted(String key, String value) {
    saved.putIfAbsent(key, System.getProperty(key));
    System.setProperty(key, value);
  }

  @AfterEach
  void restore() {
    saved.forEach((key, value) -> {
      if (value == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, value);
      }
    });
  }

  private static EnvConfig env(String yaml) {
    return EnvConfig.load("env.yaml", yaml);
  }

  @Test
  void underSparkSubmitTheMasterAndDeployModeComeFromSparkSubmitAlone() {
    submitted("spark.master", "spark://cluster.example:7077");
    submitted("spark.submit.deployMode", "cluster");
    submitted("spark.executor.memory", "8g");
    submitted("spark.app.name", "nightly ratings");

    for (EnvConfig env : new EnvConfig[] {
        EnvConfig.embeddedDefault(),
        env("""
            spark:
              master: local[3]
              conf: {spark.executor.memory: 1g, spark.sql.shuffle.partitions: "64"}
            """)}) {
      SparkConf conf = SparkSessions.conf(env, "nightjar train ratings");
      assertEquals("spark://cluster.example:7077", conf.get("spark.master"), env.source());
      assertEquals("cluster", conf.get("spark.submit.deployMode"), env.source());
      assertEquals("8g", conf.get("spark.executor.memory"), env.source());
      assertEquals("nightly ratings", conf.get("spark.app.name"), env.source());
    }
  }

  @Test
  void theEnvironmentConfigFillsInOnlyWhatSparkSubmitLeftUnset() {
    submitted("spark.master", "yarn");
    submitted("spark.executor.memory", "8g");
    SparkConf conf = SparkSessions.conf(env("""
        spark:
          master: local[3]
          conf: {spark.executor.memory: 1g, spark.sql.shuffle.partitions: "64"}
        """), "nightjar train ratings");
    assertEquals("yarn", conf.get("spark.master"));
    assertEquals("8g", conf.get("spark.executor.memory"));
    assertEquals("64", conf.get("spark.sql.shuffle.partitions"));
    assertEquals("nightjar train ratings", conf.get("spark.app.name"));
    assertFalse(conf.contains("spark.submit.deployMode"), "no deploy mode is invented");
  }

  @Test
  void withoutSparkSubmitTheEnvironmentConfigNamesTheMaster() {
    SparkConf conf = SparkSessions.conf(EnvConfig.embeddedDefault(), "nightjar predict ratings");
    assertEquals("local[*]", conf.get("spark.master"));
    assertEquals("8", conf.get("spark.sql.shuffle.partitions"));
    assertFalse(conf.contains("spark.submit.deployMode"));
  }

  @Test
  void noMasterAnywhereIsAUsageError() {
    JobSpecException e = assertThrows(JobSpecException.class,
        () -> SparkSessions.conf(env("spark: {conf: {spark.sql.shuffle.partitions: \"4\"}}"), "x"));
    assertTrue(e.getMessage().contains("no Spark master is set"), e.getMessage());
  }

  @Test
  void anEnvironmentConfigCannotChooseTheDeployMode() {
    JobSpecException e = assertThrows(JobSpecException.class,
        () -> env("spark: {master: yarn, conf: {spark.submit.deployMode: cluster}}"));
    assertTrue(e.getMessage().contains("chosen by spark-submit --deploy-mode"), e.getMessage());
  }
}

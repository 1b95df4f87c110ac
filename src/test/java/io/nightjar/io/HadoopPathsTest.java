package io.nightjar.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class HadoopPathsTest {
  @Test
  void withoutASessionSparkHadoopSettingsApplyAndSparkSubmitWins() {
    String submitted = "spark.hadoop.nightjar.test.endpoint";
    String before = System.getProperty(submitted);
    System.setProperty(submitted, "from-spark-submit");
    try {
      Configuration conf = HadoopPaths.withoutSession(Map.of(
          "spark.hadoop.nightjar.test.endpoint", "from-env-config",
          "spark.hadoop.nightjar.test.region", "eu-west-1",
          "spark.sql.shuffle.partitions", "8"));
      assertEquals("from-spark-submit", conf.get("nightjar.test.endpoint"));
      assertEquals("eu-west-1", conf.get("nightjar.test.region"));
      assertNull(conf.get("spark.sql.shuffle.partitions"), "only spark.hadoop.* settings reach Hadoop");
      assertNull(conf.get("sql.shuffle.partitions"));
    } finally {
      if (before == null) {
        System.clearProperty(submitted);
      } else {
        System.setProperty(submitted, before);
      }
    }
  }
}

package io.nightjar.session;

import io.nightjar.error.JobSpecException;
import io.nightjar.spec.EnvConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession a command runs in. */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * Starts (or joins) the session for one command, with the settings {@link #conf} resolves.
   */
  public static SparkSession start(EnvConfig env, String appName) {
    return SparkSession.builder().config(conf(env, appName)).getOrCreate();
  }

  /**
   * The Spark settings of a run. spark-submit (client mode, and the driver it launches in cluster mode) passes
   * everything it was given, the master and deploy mode included, as {@code spark.*} system properties, which a new
   * {@link SparkConf} picks up. The environment config only fills in what is still unset, so under spark-submit the
   * master and the deploy mode come from spark-submit alone; outside it (the local launcher, tests) the environment
   * config's master applies.
   */
  static SparkConf conf(EnvConfig env, String appName) {
    SparkConf conf = new SparkConf();
    if (!conf.contains("spark.master")) {
      if (env.master() == null) {
        throw new JobSpecException(env.source() + ": no Spark master is set; run under spark-submit, or set "
            + "spark.master in the environment config (for example local[*])");
      }
      conf.setMaster(env.master());
    }
    env.sparkConf().forEach((key, value) -> {
      if (!conf.contains(key)) {
        conf.set(key, value);
      }
    });
    if (!conf.contains("spark.app.name")) {
      conf.setAppName(appName);
    }
    return conf;
  }

  /** Labels the Spark jobs that follow, so the Spark UI and event log tell the story of the run. */
  public static void describePhase(SparkSession spark, String command, String phase) {
    spark.sparkContext().setJobDescription("nightjar " + command + ": " + phase);
  }
}

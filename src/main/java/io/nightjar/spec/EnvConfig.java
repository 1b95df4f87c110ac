package io.nightjar.spec;

import io.nightjar.error.JobSpecException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Where and how Spark runs: the environment half of a run, kept apart from the job spec so one spec serves a laptop
 * and a cluster.
 *
 * <p>Nothing here overrides what {@code spark-submit} already set: the master and every Spark setting apply only
 * when the launching environment left them unset.
 *
 * @param source where this config came from, for messages
 * @param master the Spark master to use when none was given by spark-submit, or null
 * @param sparkConf Spark settings to use when not already set
 * @param checkpointDir a Hadoop directory for RDD checkpoints of iterative algorithms, or null for one under the
 *     model store
 */
public record EnvConfig(String source, String master, Map<String, String> sparkConf, String checkpointDir) {
  /** The embedded default: local Spark on every core of this machine. */
  public static final String DEFAULT_RESOURCE = "/io/nightjar/default-env.yaml";

  static final Set<String> KEYS = Set.of("spark", "checkpointDir");
  static final Set<String> SPARK_KEYS = Set.of("master", "conf");
  /** Chosen by spark-submit when it launches the driver; a setting read after that could only contradict it. */
  static final String DEPLOY_MODE = "spark.submit.deployMode";

  public EnvConfig {
    sparkConf = Map.copyOf(sparkConf);
  }

  /** Reads an environment config from YAML text. */
  public static EnvConfig load(String source, String yaml) {
    SpecNode root = SpecNode.root(source, JobSpecLoader.parse(source, yaml), KEYS);
    SpecNode spark = root.optionalChild("spark", SPARK_KEYS);
    String master = spark == null ? null : spark.optionalString("master", null);
    Map<String, String> conf = spark == null ? Map.of() : spark.optionalStringMap("conf");
    if (conf.containsKey("spark.master")) {
      throw new JobSpecException(source + ": set the master as spark.master, not as spark.conf.\"spark.master\"");
    }
    if (conf.containsKey(DEPLOY_MODE)) {
      throw new JobSpecException(source + ": spark.conf." + DEPLOY_MODE + " cannot be set here; the deploy mode is "
          + "chosen by spark-submit --deploy-mode (client or cluster) alone");
    }
    return new EnvConfig(source, master, conf, root.optionalString("checkpointDir", null));
  }

  /** The embedded default environment config. */
  public static EnvConfig embeddedDefault() {
    try (InputStream in = EnvConfig.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the job jar lacks " + DEFAULT_RESOURCE + "; rebuild it with mvn package");
      }
      return load("embedded default environment config", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

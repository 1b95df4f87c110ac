package io.nightjar.spec;

import io.nightjar.error.JobSpecException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Where and how Spark runs: the environment half of a run, kept apart from the job spec so one spec serves a laptop
 * and a cluster.
 *
 * <p>Nothing here overrides what {@code spark-submit} already set: the master and every Spark setting apply only
 * when the launching environment left them unset, and the deploy mode cannot be set here at all.
 *
 * @param source where this config came from, for messages
 * @param master the Spark master to use when none was given by spark-submit, or null
 * @param sparkConf Spark settings to use when not already set
 * @param checkpointDir a Hadoop directory for RDD checkpoints of iterative algorithms, or null for one under the
 *     model store
 * @param dataRoot the Hadoop directory that relative data paths of the job spec (training input, batches, output)
 *     resolve against, or null for the working directory
 * @param modelRoot the Hadoop directory that a relative {@code model.store} resolves against, or null for the
 *     working directory
 */
public record EnvConfig(String source, String master, Map<String, String> sparkConf, String checkpointDir,
    String dataRoot, String modelRoot) {
  /** The embedded default: local Spark on every core of this machine. */
  public static final String DEFAULT_RESOURCE = "/io/nightjar/default-env.yaml";

  static final Set<String> KEYS = Set.of("spark", "checkpointDir", "dataRoot", "modelRoot");
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
    return new EnvConfig(source, master, conf, root.optionalString("checkpointDir", null),
        absoluteRoot(root, "dataRoot"), absoluteRoot(root, "modelRoot"));
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

  /**
   * The job spec with its relative paths resolved against this environment's roots: the training input, the batch
   * root and the output root against {@link #dataRoot}, the model store against {@link #modelRoot}. Absolute paths
   * and paths with a scheme ({@code hdfs://...}) are left as they are, and so is everything when no root is set.
   */
  public JobSpec resolve(JobSpec spec) {
    PredictSpec predict = spec.predict() == null ? null : spec.predict().withPaths(
        resolve(spec.predict().input(), dataRoot), resolve(spec.predict().outputPath(), dataRoot));
    return spec.withPaths(resolve(spec.input(), dataRoot),
        new ModelSpec(resolve(spec.modelStore(), modelRoot), spec.model().keep(),
            spec.model().onSparkVersionMismatch()),
        predict, resolve(spec.recommend(), dataRoot));
  }

  private static RecommendSpec resolve(RecommendSpec recommend, String root) {
    return recommend == null ? null : new RecommendSpec(resolve(recommend.outputPath(), root), recommend.k(),
        recommend.excludeSeen(), recommend.users() == null ? null : resolve(recommend.users(), root),
        recommend.usersColumn(), recommend.partition(), recommend.maxFilesPerPartition());
  }

  private static InputSpec resolve(InputSpec input, String root) {
    return new InputSpec(resolve(input.path(), root), input.format(), input.options(), input.schema());
  }

  static String resolve(String path, String root) {
    if (root == null || !isRelative(path)) {
      return path;
    }
    String relative = path.startsWith("./") ? path.substring(2) : path;
    return root.endsWith("/") ? root + relative : root + "/" + relative;
  }

  /** True for a path without a scheme that does not start at a root directory, such as {@code data/x}. */
  static boolean isRelative(String path) {
    return !path.startsWith("/") && scheme(path) == null;
  }

  private static String scheme(String path) {
    try {
      return new URI(path).getScheme();
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private static String absoluteRoot(SpecNode root, String key) {
    String value = root.optionalString(key, null);
    if (value != null && isRelative(value)) {
      throw root.invalid(key, "'" + value + "'",
          "an absolute Hadoop directory such as hdfs://namenode:8020/nightjar, s3a://bucket/nightjar or /srv/nightjar");
    }
    return value;
  }
}

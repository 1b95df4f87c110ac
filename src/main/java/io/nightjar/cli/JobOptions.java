package io.nightjar.cli;

import io.nightjar.error.JobSpecException;
import io.nightjar.io.HadoopPaths;
import io.nightjar.spec.EnvConfig;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.JobSpecLoader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Option;

/** Options every job command shares: the job spec, its overrides and the environment config. */
final class JobOptions {
  @Option(names = "--job", required = true, paramLabel = "SPEC",
      description = "The job spec (YAML), a local or Hadoop path, e.g. jobs/ratings-als.yaml.")
  String job;

  @Option(names = "--conf", paramLabel = "ENV",
      description = "Environment config (YAML): Spark master and settings used when spark-submit did not set them,"
          + " checkpoint directory, data and model roots. Default: the embedded local config.")
  String conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override a job spec key by its dotted path, e.g. --set input.path=/data/x --set params.rank=20."
          + " Repeatable; applied in order.")
  List<String> overrides = new ArrayList<>();

  /** The job spec with its overrides applied and its relative paths resolved against {@code env}'s roots. */
  JobSpec loadJob(EnvConfig env) {
    String text = readText(job, "job spec", HadoopPaths.withoutSession(env.sparkConf()));
    return env.resolve(JobSpecLoader.load(job, text, overrides));
  }

  EnvConfig loadEnv() {
    return conf == null ? EnvConfig.embeddedDefault()
        : EnvConfig.load(conf, readText(conf, "environment config", HadoopPaths.withoutSession(Map.of())));
  }

  /** Reads a small text file through Hadoop, so specs can live on HDFS or object stores too. */
  static String readText(String location, String what, Configuration hadoopConf) {
    Path path = new Path(location);
    try (InputStream in = path.getFileSystem(hadoopConf).open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (FileNotFoundException e) {
      throw new JobSpecException("the " + what + " " + location + " does not exist; check the path", e);
    } catch (IOException e) {
      throw new JobSpecException("cannot read the " + what + " " + location + ": " + e.getMessage(), e);
    }
  }
}

package io.nightjar.cli;

import io.nightjar.recommend.RecommendReport;
import io.nightjar.recommend.RecommendResult;
import io.nightjar.recommend.Recommender;
import io.nightjar.session.SparkSessions;
import io.nightjar.spec.EnvConfig;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.RecommendSpec;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "recommend", mixinStandardHelpOptions = true,
    description = "Write the top-K items per user of a saved ALS model (CURRENT by default) as Parquet under"
        + " <output>/<partition>=<run date>; items the user rated in the training input are left out unless"
        + " --include-seen. Rerunning a date replaces only that date's output.")
final class RecommendCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Option(names = "--run-date", paramLabel = "YYYY-MM-DD", required = true,
      description = "The partition to write: <partition>=YYYY-MM-DD.")
  String runDate;

  @Option(names = "--k", paramLabel = "N", description = "Items per user (default: recommend.k, else 10).")
  Integer k;

  @Option(names = "--include-seen", description = "Keep items the user already rated (default: leave them out).")
  boolean includeSeen;

  @Option(names = "--model-version", paramLabel = "V",
      description = "Recommend with this model version instead of CURRENT (see 'models list').")
  String modelVersion;

  @Spec
  CommandSpec command;

  @Override
  public Integer call() {
    LocalDate date = PredictCommand.parseDate(runDate);
    EnvConfig env = options.loadEnv();
    JobSpec spec = options.loadJob(env);
    RecommendSpec settings = spec.recommend();
    if (settings != null && k != null) {
      settings = settings.withK(k);
    }
    if (settings != null && includeSeen) {
      settings = settings.withExcludeSeen(false);
    }
    SparkSession spark = SparkSessions.start(env, "nightjar recommend " + spec.name());
    try {
      RecommendResult result = new Recommender(spark).recommend(spec, settings, date,
          Optional.ofNullable(modelVersion));
      RecommendReport r = result.report();
      PrintWriter out = command.commandLine().getOut();
      out.printf(Locale.ROOT, "recommended top-%d for %s with model version %s (%s): %d users requested, %d known, "
              + "%d unknown (%s), %d invalid; %d rows for %d users in %d file(s), %.0f users/s -> %s/%s%n",
          r.k(), spec.name(), r.modelVersion(), r.excludeSeen() ? "seen items excluded" : "seen items included",
          r.usersRequested(), r.usersKnown(), r.usersUnknown(), r.unknownUsers(), r.usersInvalid(), r.rowsWritten(),
          r.usersWritten(), r.filesWritten(), r.usersPerSecond(), result.outputPath(), r.partition());
      out.printf("  run report %s/_runs/%s.json%n", result.outputPath(), r.runId());
      out.flush();
      return 0;
    } finally {
      spark.stop();
    }
  }
}

package io.nightjar.cli;

import io.nightjar.error.JobSpecException;
import io.nightjar.predict.PredictResult;
import io.nightjar.predict.Predictor;
import io.nightjar.run.RunReport;
import java.io.PrintWriter;
import java.util.List;
import io.nightjar.session.SparkSessions;
import io.nightjar.spec.EnvConfig;
import io.nightjar.spec.JobSpec;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Score a partitioned batch with a saved model version (CURRENT by default); never trains. Rerunning"
        + " a date replaces only that date's output.")
final class PredictCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Partitions partitions;

  @Option(names = "--model-version", paramLabel = "V",
      description = "Score with this model version instead of CURRENT (see 'models list').")
  String modelVersion;

  @Spec
  CommandSpec command;

  static final class Partitions {
    @Option(names = "--run-date", paramLabel = "YYYY-MM-DD", required = true,
        description = "Score only the partition <partition>=YYYY-MM-DD.")
    String runDate;

    @Option(names = "--all-partitions", required = true, description = "Score every partition of the batch.")
    boolean all;
  }

  @Override
  public Integer call() {
    Optional<LocalDate> date = Optional.ofNullable(partitions.runDate).map(PredictCommand::parseDate);
    EnvConfig env = options.loadEnv();
    JobSpec spec = options.loadJob(env);
    SparkSession spark = SparkSessions.start(env, "nightjar predict " + spec.name());
    try {
      PredictResult result = new Predictor(spark).predict(spec, date, Optional.ofNullable(modelVersion));
      RunReport report = result.report();
      List<String> values = report.partitions().stream().map(RunReport.PartitionReport::value).toList();
      String span = values.isEmpty() ? "no partitions"
          : values.size() == 1 ? values.get(0) : values.get(0) + " .. " + values.get(values.size() - 1);
      PrintWriter out = command.commandLine().getOut();
      out.printf("scored %s with model version %s: %d partition(s) (%s), %d rows in, %d scored, %d rejected%s -> %s%n",
          spec.name(), report.modelVersion(), values.size(), span, report.rowsRead(), report.rowsScored(),
          report.rowsRejected(), report.rejectedByReason().isEmpty() ? "" : " " + report.rejectedByReason(),
          result.outputPath());
      out.printf("  run report %s/_runs/%s.json (scoring: %s)%n", result.outputPath(), report.runId(),
          report.scoring());
      out.flush();
      return 0;
    } finally {
      spark.stop();
    }
  }

  static LocalDate parseDate(String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new JobSpecException("--run-date '" + text + "' is not a date of the form YYYY-MM-DD, e.g. 2026-11-20");
    }
  }
}

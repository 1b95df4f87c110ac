package io.nightjar.cli;

import io.nightjar.evaluate.RegressionMetrics;
import io.nightjar.session.SparkSessions;
import io.nightjar.spec.EnvConfig;
import io.nightjar.spec.JobSpec;
import io.nightjar.store.Manifest;
import io.nightjar.train.TrainResult;
import io.nightjar.train.Trainer;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Fit the job's pipeline, evaluate it on a holdout beside the training-mean reference, and save it as"
        + " a new model version (published as CURRENT).")
final class TrainCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Spec
  CommandSpec command;

  @Override
  public Integer call() {
    EnvConfig env = options.loadEnv();
    JobSpec spec = options.loadJob(env);
    SparkSession spark = SparkSessions.start(env, "nightjar train " + spec.name());
    try {
      TrainResult result = new Trainer(spark, env.checkpointDir()).train(spec);
      print(command.commandLine().getOut(), result);
      return 0;
    } finally {
      spark.stop();
    }
  }

  static void print(PrintWriter out, TrainResult result) {
    Manifest m = result.manifest();
    out.printf("trained %s (%s): version %s%s%n", m.job(), m.kind(), result.version(),
        result.published() ? ", now CURRENT" : "");
    Manifest.InputSummary in = m.input();
    out.printf("  rows       %d read, %d excluded, %d trained on, %d holdout%n",
        in.rows(), in.excludedRows(), in.trainingRows(), in.holdoutRows());
    out.println(line("model", m.metrics().model()));
    out.println(line("train mean", m.metrics().trainingMean()));
    out.printf(Locale.ROOT, "  RMSE %.1f%% below the training-mean reference%n",
        100 * m.metrics().rmseLiftOverReference());
    out.printf("  saved to   %s%n", result.location());
    out.flush();
  }

  private static String line(String label, RegressionMetrics metrics) {
    return String.format(Locale.ROOT, "  %-10s RMSE %.4f  MAE %.4f  R2 %.4f", label, metrics.rmse(), metrics.mae(),
        metrics.r2());
  }
}

package io.nightjar.cli;

import io.nightjar.error.ExitCode;
import io.nightjar.evaluate.ModelEvaluation;
import io.nightjar.gate.GateDecision;
import io.nightjar.session.SparkSessions;
import io.nightjar.spec.EnvConfig;
import io.nightjar.spec.JobSpec;
import io.nightjar.store.Manifest;
import io.nightjar.train.TrainResult;
import io.nightjar.train.Trainer;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Tune and fit the job's pipeline, evaluate it on a holdout beside reference models and the CURRENT"
        + " version, and save it as a new model version. It becomes CURRENT only if it passes the quality gate"
        + " (exit code 5 otherwise).")
final class TrainCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Option(names = "--force", description = "Publish the new version as CURRENT even if it fails the quality gate.")
  boolean force;

  @Spec
  CommandSpec command;

  @Override
  public Integer call() {
    EnvConfig env = options.loadEnv();
    JobSpec spec = options.loadJob(env);
    SparkSession spark = SparkSessions.start(env, "nightjar train " + spec.name());
    try {
      TrainResult result = new Trainer(spark, env.checkpointDir()).force(force).train(spec);
      print(command.commandLine().getOut(), result);
      if (!result.published()) {
        PrintWriter err = command.commandLine().getErr();
        err.printf("nightjar: error: model version %s was saved but not published: %s; CURRENT stays %s. To publish "
                + "it anyway: 'scripts/nightjar models promote --job %s --version %s', or rerun train with --force%n",
            result.version(), result.gate().summary(),
            result.gate().currentVersion() == null ? "unset" : result.gate().currentVersion(), options.job,
            result.version());
        err.flush();
        return ExitCode.QUALITY_GATE.code();
      }
      return 0;
    } finally {
      spark.stop();
    }
  }

  static void print(PrintWriter out, TrainResult result) {
    Manifest m = result.manifest();
    out.printf("trained %s (%s): version %s%s%n", m.job(), m.kind(), result.version(),
        result.published() ? ", now CURRENT" : ", NOT published");
    Manifest.InputSummary in = m.input();
    out.printf("  rows       %d read, %d excluded, %d trained on, %d holdout%n",
        in.rows(), in.excludedRows(), in.trainingRows(), in.holdoutRows());
    ModelEvaluation evaluation = m.evaluation();
    for (Map.Entry<String, Map<String, Double>> entry : evaluation.scores().entrySet()) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-14s", label(entry.getKey())));
      entry.getValue().forEach((name, value) -> line.append(String.format(Locale.ROOT, " %s %.4f ", name, value)));
      out.println(line.toString().stripTrailing());
    }
    out.printf(Locale.ROOT, "  %s %.1f%% %s the %s reference%n", evaluation.metric(),
        100 * Math.abs(evaluation.liftOverReference()), evaluation.liftOverReference() >= 0 ? "better than"
            : "worse than", label(evaluation.reference()));
    Map<String, Long> counts = evaluation.counts();
    if (counts.containsKey("coldStartRows")) {
      out.printf("  cold start %d of %d holdout rows (user unseen %d, item unseen %d, both %d)%n",
          counts.get("coldStartRows"), counts.get("holdoutRows"), counts.get("coldStartUserUnseen"),
          counts.get("coldStartItemUnseen"), counts.get("coldStartBothUnseen"));
    }
    GateDecision gate = result.gate();
    if (gate.currentVersion() != null && gate.currentValue() != null) {
      out.printf(Locale.ROOT, "  CURRENT %s: %s %.4f on the same holdout%n", gate.currentVersion(), gate.metric(),
          gate.currentValue());
    }
    out.printf("  gate       %s%n", gate.summary());
    out.printf("  saved to   %s%n", result.location());
    out.flush();
  }

  private static String label(String model) {
    return model.replace('_', ' ');
  }
}

package io.nightjar.cli;

import io.nightjar.error.ModelException;
import io.nightjar.evaluate.ModelEvaluation;
import io.nightjar.io.HadoopPaths;
import io.nightjar.spec.EnvConfig;
import io.nightjar.spec.JobSpec;
import io.nightjar.store.Manifest;
import io.nightjar.store.ManifestSignature;
import io.nightjar.store.ModelStore;
import io.nightjar.store.ModelVerifier;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "models", mixinStandardHelpOptions = true,
    description = "Inspect the job's model store and move CURRENT by hand.",
    subcommands = {ModelsCommand.ListCommand.class, ModelsCommand.PromoteCommand.class,
        ModelsCommand.RollbackCommand.class})
final class ModelsCommand implements Callable<Integer> {
  @Spec
  CommandSpec command;

  @Override
  public Integer call() {
    command.commandLine().usage(command.commandLine().getErr());
    return 2;
  }

  private static ModelStore open(JobOptions options, EnvConfig env, JobSpec spec) {
    return ModelStore.open(spec.modelStore(), HadoopPaths.withoutSession(env.sparkConf()));
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the model versions: creation time, holdout metric beside the reference, quality gate, which"
          + " is CURRENT.")
  static final class ListCommand implements Callable<Integer> {
    @Mixin
    JobOptions options;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
      EnvConfig env = options.loadEnv();
      JobSpec spec = options.loadJob(env);
      ModelStore store = open(options, env, spec);
      PrintWriter out = command.commandLine().getOut();
      List<String> versions = store.versions();
      if (versions.isEmpty()) {
        out.printf("no model versions in %s yet; train one with 'scripts/nightjar train --job %s'%n", store.root(),
            options.job);
        out.flush();
        return 0;
      }
      Optional<String> current = store.current();
      out.printf("%-26s %-24s %-8s %12s %12s  %-8s %s%n", "VERSION", "CREATED", "METRIC", "HOLDOUT", "REFERENCE",
          "GATE", "CURRENT");
      for (String version : versions) {
        Manifest m = store.manifest(version);
        out.printf(Locale.ROOT, "%-26s %-24s %s  %-8s %s%n", version, m.createdAt(), metrics(m), gate(m),
            current.filter(version::equals).isPresent() ? "*" : "");
      }
      out.flush();
      return 0;
    }

    private static String metrics(Manifest m) {
      ModelEvaluation e = m.evaluation();
      if (e != null) {
        return String.format(Locale.ROOT, "%-8s %12.4f %12.4f", e.metric(), e.modelValue(), e.referenceValue());
      }
      if (m.metrics() != null && m.metrics().model() != null) {
        return String.format(Locale.ROOT, "%-8s %12.4f %12.4f", "rmse", m.metrics().model().rmse(),
            m.metrics().trainingMean().rmse());
      }
      return String.format("%-8s %12s %12s", "-", "-", "-");
    }

    private static String gate(Manifest m) {
      if (m.gate() == null) {
        return "-";
      }
      return m.gate().passed() ? "passed" : m.gate().forced() ? "forced" : "failed";
    }
  }

  /** A command that moves CURRENT by hand and says where it moved. */
  abstract static class MoveCommand implements Callable<Integer> {
    @Mixin
    JobOptions options;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, kept in the store's publish history.")
    String reason;

    @Spec
    CommandSpec command;

    /** Moves CURRENT and returns the line to print. */
    abstract String move(ModelStore store, JobSpec spec);

    @Override
    public Integer call() {
      EnvConfig env = options.loadEnv();
      JobSpec spec = options.loadJob(env);
      PrintWriter out = command.commandLine().getOut();
      out.println(move(open(options, env, spec), spec));
      out.flush();
      return 0;
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true,
      description = "Make a version CURRENT by hand (after checking its files and signature), whatever its quality"
          + " gate said.")
  static final class PromoteCommand extends MoveCommand {
    @Option(names = "--version", required = true, paramLabel = "V", description = "The version to make CURRENT.")
    String version;

    @Override
    String move(ModelStore store, JobSpec spec) {
      String target = store.resolve(Optional.of(version));
      Optional<String> before = store.current();
      if (before.filter(target::equals).isPresent()) {
        return String.format("%s is already CURRENT in %s", target, store.root());
      }
      verify(store, target, spec);
      store.publish(target, "promote", reason == null ? "promoted by hand" : reason);
      return String.format("CURRENT of %s is now %s (was %s)", spec.name(), target, before.orElse("unset"));
    }
  }

  @Command(name = "rollback", mixinStandardHelpOptions = true,
      description = "Point CURRENT back at the version published before it.")
  static final class RollbackCommand extends MoveCommand {
    @Override
    String move(ModelStore store, JobSpec spec) {
      String from = store.current().orElseThrow(() -> new ModelException("no CURRENT in " + store.root()
          + " to roll back from; promote a version with 'models promote --version V'"));
      store.previousPublished(from).ifPresent(target -> verify(store, target, spec));
      String target = store.rollback(reason == null ? "rolled back by hand" : reason);
      return String.format("CURRENT of %s is now %s (rolled back from %s)", spec.name(), target, from);
    }
  }

  /** Refuses to point CURRENT at a version predict would refuse to load. */
  private static void verify(ModelStore store, String version, JobSpec spec) {
    String spark = org.apache.spark.package$.MODULE$.SPARK_VERSION();
    ModelVerifier.verify(store, version, ManifestSignature.fromEnvironment(), spec.model(), spark);
  }
}

package io.nightjar.cli;

import io.nightjar.io.HadoopPaths;
import io.nightjar.spec.EnvConfig;
import io.nightjar.spec.JobSpec;
import io.nightjar.store.Manifest;
import io.nightjar.store.ModelStore;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "models", mixinStandardHelpOptions = true, description = "Inspect the job's model store.",
    subcommands = ModelsCommand.ListCommand.class)
final class ModelsCommand implements Callable<Integer> {
  @Spec
  CommandSpec command;

  @Override
  public Integer call() {
    command.commandLine().usage(command.commandLine().getErr());
    return 2;
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the model versions: creation time, holdout RMSE beside the reference, which is CURRENT.")
  static final class ListCommand implements Callable<Integer> {
    @Mixin
    JobOptions options;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
      EnvConfig env = options.loadEnv();
      JobSpec spec = options.loadJob(env);
      ModelStore store = ModelStore.open(spec.modelStore(), HadoopPaths.withoutSession(env.sparkConf()));
      PrintWriter out = command.commandLine().getOut();
      List<String> versions = store.versions();
      if (versions.isEmpty()) {
        out.printf("no model versions in %s yet; train one with 'scripts/nightjar train --job %s'%n", store.root(),
            options.job);
        out.flush();
        return 0;
      }
      Optional<String> current = store.current();
      out.printf("%-26s %-24s %12s %14s  %s%n", "VERSION", "CREATED", "HOLDOUT RMSE", "REFERENCE RMSE", "CURRENT");
      for (String version : versions) {
        Manifest m = store.manifest(version);
        boolean hasMetrics = m.metrics() != null && m.metrics().model() != null;
        out.printf(Locale.ROOT, "%-26s %-24s %12s %14s  %s%n", version, m.createdAt(),
            hasMetrics ? String.format(Locale.ROOT, "%.4f", m.metrics().model().rmse()) : "-",
            hasMetrics ? String.format(Locale.ROOT, "%.4f", m.metrics().trainingMean().rmse()) : "-",
            current.filter(version::equals).isPresent() ? "*" : "");
      }
      out.flush();
      return 0;
    }
  }
}

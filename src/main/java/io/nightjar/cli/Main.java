package io.nightjar.cli;

import io.nightjar.error.ExitCode;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The one entry point: {@code nightjar train|predict|models ...}, locally and under spark-submit alike. */
@Command(name = "nightjar", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Nightly batch ML on Apache Spark: train ALS and ElasticNet pipelines, score partitioned batches.",
    subcommands = {TrainCommand.class, PredictCommand.class, RecommendCommand.class, ModelsCommand.class},
    footer = {"", "Exit codes: 0 success, 1 internal error, 2 usage or job spec error, 3 input data error,"
        + " 4 model error, 5 the new model failed the quality gate (saved, not published),"
        + " 6 another run holds the lock."})
public final class Main implements Runnable {
  @Spec
  CommandSpec command;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command and returns its exit code; never calls System.exit, so tests can call it. */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler((failure, cmd, parsed) -> {
      ExitCode code = Failures.exitCode(failure);
      cmd.getErr().printf("nightjar: error: %s%n", Failures.message(failure));
      if (code == ExitCode.INTERNAL) {
        failure.printStackTrace(cmd.getErr());
      }
      cmd.getErr().flush();
      return code.code();
    });
    return commandLine.execute(args);
  }

  @Override
  public void run() {
    command.commandLine().usage(command.commandLine().getErr());
    throw new CommandLine.ParameterException(command.commandLine(), "name a command: train, predict or models");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"nightjar " + (version == null ? "dev" : version)};
    }
  }
}

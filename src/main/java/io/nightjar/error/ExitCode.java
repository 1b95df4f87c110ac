package io.nightjar.error;

/** Process exit codes, part of the command-line contract documented in the README. */
public enum ExitCode {
  /** The run finished and its output is complete. */
  SUCCESS(0),
  /** Anything not covered by a more specific code; a bug or an environment failure. */
  INTERNAL(1),
  /** The command line, the job spec or the environment config is wrong. */
  USAGE(2),
  /** The input data is missing or does not fit what the job expects. */
  INPUT_DATA(3),
  /** The model is missing, unreadable or unfit for use. */
  MODEL(4),
  /** The new model version failed the quality gate: it was saved but CURRENT was not moved to it. */
  QUALITY_GATE(5),
  /** Another run holds the lock on the same output; retry once it has finished. */
  LOCKED(6);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}

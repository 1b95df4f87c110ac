package io.nightjar.error;

/** Base of every failure Nightjar reports on purpose; carries the exit code the process ends with. */
public class NightjarException extends RuntimeException {
  private final ExitCode exitCode;

  public NightjarException(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public NightjarException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }
}

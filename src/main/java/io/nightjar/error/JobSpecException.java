package io.nightjar.error;

/** The job spec, an override or the environment config is invalid (exit code 2). */
public class JobSpecException extends NightjarException {
  public JobSpecException(String message) {
    super(ExitCode.USAGE, message);
  }

  public JobSpecException(String message, Throwable cause) {
    super(ExitCode.USAGE, message, cause);
  }
}

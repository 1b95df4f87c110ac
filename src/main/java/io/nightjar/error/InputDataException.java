package io.nightjar.error;

/** The input data is missing or does not match the job (exit code 3). */
public class InputDataException extends NightjarException {
  public InputDataException(String message) {
    super(ExitCode.INPUT_DATA, message);
  }

  public InputDataException(String message, Throwable cause) {
    super(ExitCode.INPUT_DATA, message, cause);
  }
}

package io.nightjar.error;

/** The model store or a saved model is missing, unreadable or unfit for use (exit code 4). */
public class ModelException extends NightjarException {
  public ModelException(String message) {
    super(ExitCode.MODEL, message);
  }

  public ModelException(String message, Throwable cause) {
    super(ExitCode.MODEL, message, cause);
  }
}

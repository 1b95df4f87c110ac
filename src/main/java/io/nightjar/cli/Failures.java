package io.nightjar.cli;

import io.nightjar.error.ExitCode;
import io.nightjar.error.NightjarException;
import java.util.List;

/** Maps a failure to the exit code the scheduler sees, and to the message the on-call engineer reads. */
final class Failures {
  /**
   * Spark error classes (and message fragments of older-style errors) that mean the input data is at fault. Spark
   * reports these lazily, during an action, so they surface as Spark exceptions rather than as ours.
   */
  private static final List<String> INPUT_DATA_SIGNS = List.of(
      "MALFORMED_RECORD_IN_PARSING",
      "Malformed records are detected",
      "PATH_NOT_FOUND",
      "UNABLE_TO_INFER_SCHEMA",
      "CANNOT_READ_FILE_FOOTER",
      "FAILED_READ_FILE",
      "CAST_INVALID_INPUT");

  private Failures() {}

  static ExitCode exitCode(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof NightjarException nightjar) {
        return nightjar.exitCode();
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (INPUT_DATA_SIGNS.stream().anyMatch(message::contains)) {
        return ExitCode.INPUT_DATA;
      }
    }
    return ExitCode.INTERNAL;
  }

  /**
   * The most useful message: our own if there is one; else, for bad input, every Spark error class in the chain
   * (which names the file and the record) and the root cause; else the root cause.
   */
  static String message(Throwable failure) {
    Throwable root = failure;
    StringBuilder inputErrors = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof NightjarException) {
        return t.getMessage();
      }
      String line = firstLine(t);
      if (INPUT_DATA_SIGNS.stream().anyMatch(line::contains) && inputErrors.indexOf(line) < 0) {
        inputErrors.append(inputErrors.length() == 0 ? "" : "; ").append(line);
      }
      root = t;
    }
    if (inputErrors.length() > 0) {
      return "bad input data: " + inputErrors + "; cause: " + firstLine(root);
    }
    return firstLine(root);
  }

  private static String firstLine(Throwable t) {
    String text = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}

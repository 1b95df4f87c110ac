package io.nightjar.session;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Spark SQL without generated Java code, for as long as it is open: whole-stage code generation off, and every
 * projection, predicate and ordering evaluated by Spark's interpreted implementations (its own fallback when code
 * generation fails, giving the same results).
 *
 * <p>Compiling the generated code of a query costs tens to hundreds of milliseconds, and about a second for the first
 * one in a fresh JVM. That pays off over millions of rows, never over a few: a predict run on a small batch spends
 * most of its time compiling code for the model's metadata, its few rows of data and the batch. Closing puts back
 * the settings the session had.
 */
public final class InterpretedMode implements AutoCloseable {
  /** The session settings, and their values while open. */
  static final Map<String, String> SETTINGS = Map.of(
      "spark.sql.codegen.wholeStage", "false",
      "spark.sql.codegen.factoryMode", "NO_CODEGEN");

  private final SparkSession spark;
  private final Map<String, String> before = new LinkedHashMap<>();
  private boolean closed;

  private InterpretedMode(SparkSession spark) {
    this.spark = spark;
    SETTINGS.keySet().forEach(key -> before.put(key, spark.conf().get(key, null)));
    SETTINGS.forEach((key, value) -> spark.conf().set(key, value));
  }

  /** Switches the session to interpreted evaluation until {@link #close()}. */
  public static InterpretedMode enter(SparkSession spark) {
    return new InterpretedMode(spark);
  }

  /** Puts back the settings the session had; closing again does nothing. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    before.forEach((key, value) -> {
      if (value == null) {
        spark.conf().unset(key);
      } else {
        spark.conf().set(key, value);
      }
    });
  }
}

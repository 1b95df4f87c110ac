package io.nightjar.session;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Spark SQL without generated Java code while switched on: whole-stage code generation off, and every projection,
 * predicate and ordering evaluated by Spark's interpreted implementations (its own fallback when code generation
 * fails, giving the same results).
 *
 * <p>Compiling the generated code of a query costs tens to hundreds of milliseconds, and about a second for the first
 * one in a fresh JVM. That pays off over millions of rows, never over a few: a predict run on a small batch spends
 * most of its time compiling code for the model's metadata, its few rows of data and the batch. Switching off, or
 * closing, puts back the settings the session had.
 */
public final class InterpretedMode implements AutoCloseable {
  /** The session settings, and their values while on. */
  static final Map<String, String> SETTINGS = Map.of(
      "spark.sql.codegen.wholeStage", "false",
      "spark.sql.codegen.factoryMode", "NO_CODEGEN");

  private final SparkSession spark;
  private final Map<String, String> before = new LinkedHashMap<>();
  private boolean on;

  private InterpretedMode(SparkSession spark) {
    this.spark = spark;
    SETTINGS.keySet().forEach(key -> before.put(key, spark.conf().get(key, null)));
  }

  /** A switch for {@code spark}, off; it remembers the session's settings as they are now. */
  public static InterpretedMode of(SparkSession spark) {
    return new InterpretedMode(spark);
  }

  /** Switches the session to interpreted evaluation until {@link #close()}. */
  public static InterpretedMode enter(SparkSession spark) {
    return of(spark).set(true);
  }

  /** Switches interpreted evaluation on, or off (the session's own settings back). */
  public InterpretedMode set(boolean interpreted) {
    if (interpreted && !on) {
      SETTINGS.forEach((key, value) -> spark.conf().set(key, value));
    } else if (!interpreted && on) {
      before.forEach((key, value) -> {
        if (value == null) {
          spark.conf().unset(key);
        } else {
          spark.conf().set(key, value);
        }
      });
    }
    on = interpreted;
    return this;
  }

  /** True while interpreted evaluation is on. */
  public boolean isOn() {
    return on;
  }

  /** Puts back the settings the session had; closing again does nothing. */
  @Override
  public void close() {
    set(false);
  }
}

package io.nightjar.predict;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalInt;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator$;
import org.apache.spark.sql.catalyst.plans.logical.Join;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.exchange.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The size of the Java methods Spark generates for a plan's whole-stage code, measured before the plan runs. HotSpot
 * leaves a method of more than {@link #JIT_LIMIT} bytes of bytecode to the interpreter (unless the JVM runs with
 * {@code -XX:-DontCompileHugeMethods}), and a pass whose per-row loop is interpreted runs several times slower. Spark
 * itself only gives up on a method above 64 KB.
 *
 * <p>The code is compiled here as Spark would compile it when the plan runs; Spark keeps compiled code in a cache
 * keyed by its source, so the run compiles nothing twice.
 */
final class GeneratedCode {
  /** HotSpot's {@code HugeMethodLimit}: larger methods are never compiled to machine code. */
  static final int JIT_LIMIT = 8000;

  private static final Logger LOG = LoggerFactory.getLogger(GeneratedCode.class);

  private GeneratedCode() {}

  /**
   * Bytecode bytes of the largest method of {@code dataset}'s whole-stage code; empty when it cannot be known before
   * the plan runs: the plan has no whole-stage code (the session may have it off), it has an exchange (a join's
   * broadcast, a shuffle) or adaptive execution plans its stages as they run, or Spark's planning is not what this
   * class expects.
   */
  static OptionalInt largestMethodBytes(Dataset<?> dataset) {
    if (!Boolean.parseBoolean(dataset.sparkSession().conf().get("spark.sql.codegen.wholeStage", "true"))) {
      return OptionalInt.empty(); // no whole-stage code: nothing to plan and measure
    }
    try {
      if (hasJoin(dataset.queryExecution().analyzed())) {
        // A join is planned with an exchange (a broadcast or a shuffle): known before the plan is optimized, which
        // for a join with lookup tables costs hundreds of milliseconds.
        return OptionalInt.empty();
      }
      List<SparkPlan> nodes = new ArrayList<>();
      Deque<SparkPlan> pending = new ArrayDeque<>();
      pending.push(dataset.queryExecution().executedPlan());
      while (!pending.isEmpty()) {
        SparkPlan node = pending.pop();
        if (node instanceof AdaptiveSparkPlanExec || node instanceof Exchange) {
          // Stages planned as they run, or a broadcast that generating the code would already execute (a second
          // copy of a join's lookup table is not worth a measure): looked for before any code is generated.
          return OptionalInt.empty();
        }
        nodes.add(node);
        CollectionConverters.asJava(node.children()).forEach(pending::push);
      }
      int largest = -1;
      for (SparkPlan node : nodes) {
        if (node instanceof WholeStageCodegenExec stage) {
          largest = Math.max(largest,
              CodeGenerator$.MODULE$.compile(stage.doCodeGen()._2())._2().maxMethodCodeSize());
        }
      }
      return largest < 0 ? OptionalInt.empty() : OptionalInt.of(largest);
    } catch (RuntimeException | LinkageError e) {
      LOG.debug("the generated code could not be measured before the run", e);
      return OptionalInt.empty();
    }
  }

  private static boolean hasJoin(LogicalPlan plan) {
    Deque<LogicalPlan> pending = new ArrayDeque<>();
    pending.push(plan);
    while (!pending.isEmpty()) {
      LogicalPlan node = pending.pop();
      if (node instanceof Join) {
        return true;
      }
      CollectionConverters.asJava(node.children()).forEach(pending::push);
    }
    return false;
  }

  /** True unless the largest generated method of {@code dataset} is known to be small enough for the JIT. */
  static boolean mayBeInterpreted(Dataset<?> dataset) {
    OptionalInt bytes = largestMethodBytes(dataset);
    return bytes.isEmpty() || bytes.getAsInt() > JIT_LIMIT;
  }
}

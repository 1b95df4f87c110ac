package io.nightjar.gate;

import io.nightjar.evaluate.ModelEvaluation;
import io.nightjar.spec.GateSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides whether tonight's model may replace CURRENT: it must beat the reference model by the configured margin, and
 * must not be worse than CURRENT, scored on the same holdout, by more than the configured tolerance.
 */
public final class QualityGate {
  private QualityGate() {}

  /**
   * @param current the CURRENT version and its primary metric on tonight's holdout, when there is one
   * @param currentProblem why CURRENT could not be scored, when it exists but could not be; null otherwise
   * @param force publish even if the gate fails
   */
  public static GateDecision decide(GateSpec gate, ModelEvaluation evaluation, Optional<String> currentVersion,
      Optional<Double> current, String currentProblem, boolean force) {
    List<String> findings = new ArrayList<>();
    boolean passed = true;
    double model = evaluation.modelValue();
    String metric = evaluation.metric();
    if (!Double.isFinite(model)) {
      passed = false;
      findings.add(String.format("the model's holdout %s is %s", metric, model));
    }
    double lift = evaluation.liftOverReference();
    if (passed && !(lift > 0.0 && lift >= gate.minLiftOverReference())) {
      passed = false;
      findings.add(String.format(Locale.ROOT, "%s %s is %s the %s reference's %s, and gate.minLiftOverReference "
              + "asks for %s better", metric, fmt(model), describe(lift), evaluation.reference(),
          fmt(evaluation.referenceValue()), percent(gate.minLiftOverReference())));
    }
    if (current.isPresent()) {
      double regression = -ModelEvaluation.relativeImprovement(model, current.get(), evaluation.biggerIsBetter());
      if (passed && regression > gate.maxRegression()) {
        passed = false;
        findings.add(String.format(Locale.ROOT, "%s %s is %s worse than CURRENT %s's %s on the same holdout, more "
                + "than gate.maxRegression %s allows", metric, fmt(model), percent(regression), currentVersion.get(),
            fmt(current.get()), percent(gate.maxRegression())));
      }
    } else if (currentProblem != null) {
      findings.add("CURRENT " + currentVersion.orElse("?") + " could not be scored on this holdout (" + currentProblem
          + "), so only the reference was compared");
    }
    return new GateDecision(passed, !passed && force, metric, model, evaluation.reference(),
        evaluation.referenceValue(), gate.minLiftOverReference(), currentVersion.orElse(null), current.orElse(null),
        gate.maxRegression(), findings);
  }

  private static String describe(double lift) {
    if (lift > 0) {
      return "only " + percent(lift) + " better than";
    }
    return lift == 0 ? "no better than" : percent(-lift) + " worse than";
  }

  private static String fmt(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
  }
}

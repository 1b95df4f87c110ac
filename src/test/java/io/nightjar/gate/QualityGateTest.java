package io.nightjar.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.evaluate.ModelEvaluation;
import io.nightjar.spec.GateSpec;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QualityGateTest {
  private static ModelEvaluation rmse(double model, double reference) {
    return new ModelEvaluation("rmse", false, "training_mean",
        Map.of("model", Map.of("rmse", model), "training_mean", Map.of("rmse", reference)), Map.of(), Map.of());
  }

  private static ModelEvaluation auc(double model) {
    return new ModelEvaluation("auc", true, "positive_rate",
        Map.of("model", Map.of("auc", model), "positive_rate", Map.of("auc", 0.5)), Map.of(), Map.of());
  }

  @Test
  void aBetterModelWithNoCurrentPasses() {
    GateDecision d = QualityGate.decide(new GateSpec(0.05, 0.01), rmse(0.9, 1.0), Optional.empty(), Optional.empty(),
        null, false);
    assertTrue(d.passed());
    assertTrue(d.publish());
    assertEquals(0.9, d.model());
  }

  @Test
  void aModelNotBeatingTheReferenceByTheMarginFails() {
    GateDecision d = QualityGate.decide(new GateSpec(0.15, 0.01), rmse(0.9, 1.0), Optional.empty(), Optional.empty(),
        null, false);
    assertFalse(d.passed());
    assertFalse(d.publish());
    assertEquals("failed the quality gate: rmse 0.9000 is only 10.0% better than the training_mean reference's "
        + "1.0000, and gate.minLiftOverReference asks for 15.0% better", d.summary());
  }

  @Test
  void aModelWorseThanTheReferenceFailsEvenWithZeroMargin() {
    GateDecision d = QualityGate.decide(new GateSpec(0.0, 0.01), rmse(1.1, 1.0), Optional.empty(), Optional.empty(),
        null, false);
    assertFalse(d.passed());
    assertTrue(d.summary().contains("10.0% worse than the training_mean reference"), d.summary());
  }

  @Test
  void aRegressionAgainstCurrentBeyondTheToleranceFails() {
    GateDecision d = QualityGate.decide(new GateSpec(0.0, 0.01), rmse(0.92, 1.0), Optional.of("v1"),
        Optional.of(0.90), null, false);
    assertFalse(d.passed());
    assertTrue(d.summary().contains("is 2.2% worse than CURRENT v1's 0.9000 on the same holdout, more than "
        + "gate.maxRegression 1.0% allows"), d.summary());
  }

  @Test
  void aRegressionWithinTheTolerancePasses() {
    GateDecision d = QualityGate.decide(new GateSpec(0.0, 0.01), rmse(0.905, 1.0), Optional.of("v1"),
        Optional.of(0.90), null, false);
    assertTrue(d.passed(), d.summary());
  }

  @Test
  void biggerIsBetterMetricsCompareTheOtherWay() {
    assertTrue(QualityGate.decide(new GateSpec(0.2, 0.0), auc(0.8), Optional.of("v1"), Optional.of(0.79), null,
        false).passed());
    GateDecision worse = QualityGate.decide(new GateSpec(0.2, 0.0), auc(0.78), Optional.of("v1"), Optional.of(0.79),
        null, false);
    assertFalse(worse.passed());
  }

  @Test
  void forcePublishesAFailedModelAndSaysSo() {
    GateDecision d = QualityGate.decide(new GateSpec(0.0, 0.0), rmse(0.95, 1.0), Optional.of("v1"),
        Optional.of(0.90), null, true);
    assertFalse(d.passed());
    assertTrue(d.forced());
    assertTrue(d.publish());
    assertTrue(d.summary().startsWith("failed the quality gate, published by --force: "), d.summary());
  }

  @Test
  void anUnscorableCurrentIsReportedAndOnlyTheReferenceDecides() {
    GateDecision d = QualityGate.decide(new GateSpec(0.0, 0.0), rmse(0.95, 1.0), Optional.of("v1"), Optional.empty(),
        "it is a als model", false);
    assertTrue(d.passed());
    assertTrue(d.summary().contains("CURRENT v1 could not be scored on this holdout (it is a als model)"),
        d.summary());
  }

  @Test
  void aNonFiniteMetricFails() {
    assertFalse(QualityGate.decide(GateSpecDefaults.DEFAULT, rmse(Double.NaN, 1.0), Optional.empty(),
        Optional.empty(), null, false).passed());
  }

  private static final class GateSpecDefaults {
    static final GateSpec DEFAULT = new GateSpec(GateSpec.DEFAULT_MIN_LIFT, GateSpec.DEFAULT_MAX_REGRESSION);
  }
}

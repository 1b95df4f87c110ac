package io.nightjar.gate;

import java.util.List;

/**
 * Whether a new version may become CURRENT, and why.
 *
 * @param passed whether it passed the gate
 * @param forced whether it was published past a failed gate by {@code --force}
 * @param metric the compared metric
 * @param model the new version's value on the holdout
 * @param reference the reference model's name
 * @param referenceValue the reference's value on the same holdout
 * @param minLiftOverReference the configured margin over the reference
 * @param currentVersion the version that was CURRENT, or null when there was none
 * @param currentValue CURRENT's value on the same holdout, or null when it was not comparable
 * @param maxRegression the configured tolerance against CURRENT
 * @param findings what the gate found, one sentence each (why it failed, or what could not be compared)
 */
public record GateDecision(boolean passed, boolean forced, String metric, double model, String reference,
    double referenceValue, double minLiftOverReference, String currentVersion, Double currentValue,
    double maxRegression, List<String> findings) {

  public GateDecision {
    findings = List.copyOf(findings);
  }

  /** Whether the version becomes CURRENT. */
  public boolean publish() {
    return passed || forced;
  }

  /** One line for logs, the history and the console. */
  public String summary() {
    String verdict = passed ? "passed the quality gate" : forced ? "failed the quality gate, published by --force"
        : "failed the quality gate";
    return findings.isEmpty() ? verdict : verdict + ": " + String.join("; ", findings);
  }
}

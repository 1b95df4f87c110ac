package io.nightjar.predict;

import io.nightjar.run.RunReport;

/**
 * What a predict run wrote.
 *
 * @param report the run report, also written under {@code <output>/_runs/}
 * @param outputPath the output root
 */
public record PredictResult(RunReport report, String outputPath) {}

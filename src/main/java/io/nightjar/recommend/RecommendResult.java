package io.nightjar.recommend;

/**
 * What a recommend run wrote.
 *
 * @param report the run report, also written under {@code <output>/_runs/}
 * @param outputPath the output root
 */
public record RecommendResult(RecommendReport report, String outputPath) {}

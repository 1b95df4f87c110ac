package io.nightjar.predict;

import java.util.List;

/**
 * What a predict run wrote.
 *
 * @param version the model version that scored the batch
 * @param partitions the partition values written, sorted
 * @param rowsIn rows read from the batch
 * @param rowsOut rows found in the written output partitions; always equal to {@code rowsIn}
 * @param outputPath the output root
 */
public record PredictResult(String version, List<String> partitions, long rowsIn, long rowsOut, String outputPath) {}

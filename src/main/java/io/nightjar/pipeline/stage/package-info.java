/**
 * Nightjar's own pipeline stages. Each is MLWritable and MLReadable (a {@code (String uid)} constructor and a static
 * {@code read()}), so {@code PipelineModel.load} restores a saved pipeline without Nightjar doing anything special.
 */
package io.nightjar.pipeline.stage;

/**
 * The versioned model store: one directory per version holding the saved {@code PipelineModel} and its manifest, and
 * a {@code CURRENT} file naming the version predict mode uses. Versions are written aside and published by rename,
 * never overwritten, so a reader always sees either the old model or the complete new one.
 */
package io.nightjar.store;

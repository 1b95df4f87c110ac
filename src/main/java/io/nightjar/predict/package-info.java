/**
 * Predict mode: load a saved model version, score a partitioned batch without fitting anything, and write the
 * scores partition by partition so a rerun replaces exactly the dates it covers.
 */
package io.nightjar.predict;

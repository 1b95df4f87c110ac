package io.nightjar.train;

import io.nightjar.gate.GateDecision;
import io.nightjar.store.Manifest;

/**
 * What a train run produced.
 *
 * @param version the new model version
 * @param location where the version lives
 * @param published whether CURRENT now names it
 * @param manifest how it was made, metrics included
 * @param gate the quality gate's decision
 */
public record TrainResult(String version, String location, boolean published, Manifest manifest, GateDecision gate) {}

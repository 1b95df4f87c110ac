package io.nightjar.train;

import io.nightjar.store.Manifest;

/**
 * What a train run produced.
 *
 * @param version the new model version
 * @param location where the version lives
 * @param published whether CURRENT now names it
 * @param manifest how it was made, metrics included
 */
public record TrainResult(String version, String location, boolean published, Manifest manifest) {}

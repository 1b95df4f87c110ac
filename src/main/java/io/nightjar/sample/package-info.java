/** Deterministic generator of the small sample data in data/ that the demo and tests run on. */
package io.nightjar.sample;

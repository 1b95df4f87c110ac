/** Train mode: read, split, fit, evaluate against the reference, save a new model version and publish it. */
package io.nightjar.train;

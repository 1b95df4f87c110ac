/** Holdout metrics, always computed beside a reference model so a number means something. */
package io.nightjar.evaluate;

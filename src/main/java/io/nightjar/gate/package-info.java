/** The quality gate: whether a newly trained version may become CURRENT. */
package io.nightjar.gate;

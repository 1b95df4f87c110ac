/**
 * The failures Nightjar reports to its caller, each tied to the process exit code a scheduler sees.
 *
 * <p>Every message says what went wrong, which value caused it and what to do about it.
 */
package io.nightjar.error;

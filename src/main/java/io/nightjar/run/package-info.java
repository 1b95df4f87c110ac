/**
 * What makes an unattended run safe: per-date locks so two runs never write the same output, the run report and
 * completion markers a scheduler waits for, and the clean-up of what a killed run left behind.
 */
package io.nightjar.run;

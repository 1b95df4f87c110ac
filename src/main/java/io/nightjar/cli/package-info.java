/**
 * The command line: {@code train}, {@code predict} and {@code models list}, their options, and the mapping of every
 * failure to a documented exit code. The same entry point runs under spark-submit and the local launcher.
 */
package io.nightjar.cli;

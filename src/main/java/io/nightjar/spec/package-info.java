/**
 * The job spec and the environment config: YAML files read into typed, validated records.
 *
 * <p>Precedence, lowest first: the job spec file, then {@code --set KEY=VALUE} overrides on the command line. The
 * environment config ({@code --conf}, or the embedded default) is separate and only describes where and how Spark
 * runs. Unknown keys are rejected by name in both.
 */
package io.nightjar.spec;

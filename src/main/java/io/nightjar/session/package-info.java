/** Starting Spark for a run from the environment config, without overriding what spark-submit already set. */
package io.nightjar.session;

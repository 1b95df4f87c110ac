package io.nightjar.predict;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wall time of each phase of a predict run, in order, for the run report and the log. */
final class PhaseTimer {
  private static final Logger LOG = LoggerFactory.getLogger(PhaseTimer.class);

  private final Map<String, Long> millis = new LinkedHashMap<>();
  private String current;
  private long startNanos;

  /** Ends the running phase, if any, and starts {@code phase}. */
  void start(String phase) {
    stop();
    current = phase;
    startNanos = System.nanoTime();
  }

  /** Ends the running phase, if any. */
  void stop() {
    if (current != null) {
      long ms = (System.nanoTime() - startNanos) / 1_000_000;
      millis.merge(current, ms, Long::sum);
      LOG.info("predict phase '{}' took {} ms", current, ms);
      current = null;
    }
  }

  /** Records a phase timed elsewhere (work that ran beside the others), under its own name. */
  void record(String phase, long ms) {
    millis.merge(phase, ms, Long::sum);
    LOG.info("predict phase '{}' took {} ms", phase, ms);
  }

  Map<String, Long> millis() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(millis));
  }
}

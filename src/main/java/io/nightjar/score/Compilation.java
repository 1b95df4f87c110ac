package io.nightjar.score;

import java.util.Optional;

/**
 * What a compiler made of a pipeline: a scorer, or why it could not compile it.
 *
 * @param scorer the compiled scorer, if any
 * @param refusal why there is none; null when there is
 */
record Compilation(Optional<Scorer> scorer, String refusal) {
  static Compilation of(Scorer scorer) {
    return new Compilation(Optional.of(scorer), null);
  }

  static Compilation refused(String reason) {
    return new Compilation(Optional.empty(), reason);
  }
}

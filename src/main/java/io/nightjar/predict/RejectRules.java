package io.nightjar.predict;

import io.nightjar.contract.InputContract;
import io.nightjar.contract.RowRules;
import io.nightjar.spec.JobSpec;
import io.nightjar.store.Manifest;

/** Which batch rows a model cannot score, from its input contract. */
final class RejectRules {
  private RejectRules() {}

  static RowRules of(JobSpec spec, Manifest manifest) {
    RowRules rules = new RowRules();
    if (manifest.contract() == null) {
      return rules;
    }
    for (InputContract.ColumnContract column : manifest.contract().columns()) {
      switch (column.role()) {
        case "user", "item" -> rules.requirePresent(column.name());
        case "numeric" -> rules.rejectInfinite(column.name());
        default -> { } // categorical: a missing or unseen level encodes as unknown and is scored
      }
    }
    return rules;
  }
}

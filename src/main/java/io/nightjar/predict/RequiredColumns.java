package io.nightjar.predict;

import io.nightjar.spec.JobSpec;
import io.nightjar.store.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The batch columns a saved model needs, taken from the job and the model's manifest. */
final class RequiredColumns {
  private RequiredColumns() {}

  static List<String> of(JobSpec spec, Manifest manifest) {
    List<String> required = new ArrayList<>();
    Map<String, Object> settings = manifest.settings() == null ? Map.of() : manifest.settings();
    switch (spec.kind()) {
      case ALS -> {
        // The columns the model was trained with win over the spec's, which may have been edited since.
        Map<?, ?> columns = settings.get("columns") instanceof Map<?, ?> map ? map : Map.of();
        required.add(String.valueOf(columns.containsKey("user") ? columns.get("user") : spec.alsColumns().user()));
        required.add(String.valueOf(columns.containsKey("item") ? columns.get("item") : spec.alsColumns().item()));
      }
      case ELASTICNET -> {
        addAll(required, settings.get("numericFeatures"));
        addAll(required, settings.get("categoricalFeatures"));
      }
    }
    return required;
  }

  private static void addAll(List<String> target, Object names) {
    if (names instanceof List<?> list) {
      list.forEach(name -> target.add(String.valueOf(name)));
    }
  }
}

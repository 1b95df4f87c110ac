package io.nightjar.train;

import io.nightjar.run.Redaction;
import io.nightjar.spec.JobSpec;
import io.nightjar.store.Manifest;
import io.nightjar.store.ManifestSignature;
import io.nightjar.store.ModelStore;
import io.nightjar.store.ModelVerifier;
import java.util.Optional;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The version serving now, scored on tonight's holdout so the quality gate compares like with like. A CURRENT that
 * cannot be scored (tampered, another kind, other input columns) is reported, not fatal: a good new model should
 * still be able to replace a broken one.
 *
 * @param version the CURRENT version, empty when nothing was published yet
 * @param value its primary metric on the holdout, empty when there is no CURRENT or it could not be scored
 * @param problem why it could not be scored, or null
 */
record CurrentModel(Optional<String> version, Optional<Double> value, String problem) {
  private static final Logger LOG = LoggerFactory.getLogger(CurrentModel.class);

  static CurrentModel score(ModelStore store, JobSpec spec, Optional<ManifestSignature> signer, String sparkVersion,
      HoldoutEvaluator evaluator, Dataset<Row> training, Dataset<Row> holdout) {
    Optional<String> version = store.current();
    if (version.isEmpty()) {
      return new CurrentModel(version, Optional.empty(), null);
    }
    try {
      Manifest manifest = ModelVerifier.verify(store, version.get(), signer, spec.model(), sparkVersion);
      if (!spec.kind().specName().equals(manifest.kind())) {
        return new CurrentModel(version, Optional.empty(), "it is a " + manifest.kind() + " model");
      }
      PipelineModel model = PipelineModel.load(store.pipelineDir(version.get()).toString());
      return new CurrentModel(version, Optional.of(evaluator.primary(model, training, holdout)), null);
    } catch (RuntimeException e) {
      String problem = Redaction.text(String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
      LOG.warn("CURRENT {} of {} could not be scored on the holdout: {}", version.get(), spec.name(), problem);
      return new CurrentModel(version, Optional.empty(), problem);
    }
  }
}

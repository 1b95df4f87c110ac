package io.nightjar.train;

import static org.apache.spark.sql.functions.avg;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightjar.error.InputDataException;
import io.nightjar.gate.GateDecision;
import io.nightjar.gate.QualityGate;
import io.nightjar.io.DatasetReader;
import io.nightjar.io.HadoopPaths;
import io.nightjar.report.ReportWriter;
import io.nightjar.report.TrainingReport;
import io.nightjar.evaluate.CoefficientReport;
import io.nightjar.evaluate.ModelEvaluation;
import io.nightjar.pipeline.ElasticNetPipeline;
import io.nightjar.pipeline.LabelKind;
import io.nightjar.spec.Family;
import org.apache.spark.storage.StorageLevel;
import io.nightjar.pipeline.EstimatorParams;
import io.nightjar.pipeline.PipelineFactory;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.ModelKind;
import io.nightjar.run.LockHolder;
import io.nightjar.run.Redaction;
import io.nightjar.session.SparkSessions;
import io.nightjar.score.Scorers;
import io.nightjar.store.Manifest;
import io.nightjar.store.ManifestSignature;
import io.nightjar.store.ModelStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Train mode, end to end: input to published model version. */
public final class Trainer {
  /** Below this many usable rows a holdout evaluation means nothing. */
  static final long MIN_ROWS = 20;
  /** A staged version untouched for this long belongs to a run that is certainly gone. */
  static final Duration ABANDONED_STAGING_AGE = Duration.ofHours(24);

  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SparkSession spark;
  private final String checkpointDir;
  private final Optional<ManifestSignature> signer;
  private boolean force;

  /**
   * @param checkpointDir where iterative algorithms checkpoint, or null for {@code <model store>/_checkpoints}; used
   *     only when the session has no checkpoint directory yet
   */
  public Trainer(SparkSession spark, String checkpointDir) {
    this(spark, checkpointDir, ManifestSignature.fromEnvironment());
  }

  /** With an explicit signing key: empty means manifests are not signed. */
  public Trainer(SparkSession spark, String checkpointDir, Optional<ManifestSignature> signer) {
    this.spark = spark;
    this.checkpointDir = checkpointDir;
    this.signer = signer;
  }

  /** Publishes the new version even when it fails the quality gate (the decision still records the failure). */
  public Trainer force(boolean force) {
    this.force = force;
    return this;
  }

  public TrainResult train(JobSpec spec) {
    String job = "train " + spec.name();
    ModelStore store = ModelStore.open(spec.modelStore(), HadoopPaths.conf(spark));
    Path ownCheckpoints = useCheckpointDir(store);
    try {
      return train(spec, job, store);
    } finally {
      if (ownCheckpoints != null) {
        deleteQuietly(ownCheckpoints);
      }
    }
  }

  private TrainResult train(JobSpec spec, String job, ModelStore store) {
    List<String> abandoned = store.cleanAbandonedStaging(ABANDONED_STAGING_AGE);
    if (!abandoned.isEmpty()) {
      LOG.warn("removed staged model versions a killed run left behind: {}", abandoned);
    }
    describe(job, "read input");
    Dataset<Row> raw = DatasetReader.read(spark, spec.input(), "training input");
    TrainingData prepared = TrainingData.prepare(spec, raw);
    Dataset<Row> usable = prepared.usable().cache();
    try {
      RowAccounting rows = RowAccounting.of(prepared.tagged());
      String where = Redaction.path(spec.input().path());
      if (rows.excluded() > 0) {
        LOG.warn("{}: {} of {} input rows excluded from training: {}", spec.name(), rows.excluded(), rows.read(),
            rows.excludedByReason());
      }
      if (rows.read() > 0 && (double) rows.excluded() / rows.read() > spec.maxRejectedFraction()) {
        throw new InputDataException(String.format(
            "%d of %d training rows under %s are unusable (%s), more than maxRejectedFraction %s allows; fix the "
                + "input or raise maxRejectedFraction", rows.excluded(), rows.read(), where,
            rows.excludedByReason(), spec.maxRejectedFraction()));
      }
      if (rows.usable() < MIN_ROWS) {
        throw new InputDataException(String.format(
            "only %d of %d input rows under %s are usable (a target and ids present); at least %d are needed",
            rows.usable(), rows.read(), where, MIN_ROWS));
      }
      HoldoutSplit split = HoldoutSplit.of(usable, spec.evaluation(), spec.seed());
      Dataset<Row> training = split.training();
      Dataset<Row> evaluation = split.holdout();
      long trainingRows = training.count();
      long holdoutRows = evaluation.count();
      if (trainingRows == 0 || holdoutRows == 0) {
        throw new InputDataException(String.format("the %s holdout split of %d usable rows under %s left %d rows to "
                + "train on and %d to evaluate on; both must be non-empty: add rows, or change evaluation.holdout%s",
            split.cutoff() == null ? "random" : "time", rows.usable(), where, trainingRows, holdoutRows,
            split.cutoff() == null ? "" : " or evaluation.timeColumn (many rows share the cut-off time "
                + split.cutoff() + ")"));
      }
      double trainingMean = training.agg(avg(prepared.label())).first().getDouble(0);

      ElasticNetPipeline.Family family = family(spec, training, prepared.label());
      boolean binomial = family == ElasticNetPipeline.Family.BINOMIAL;
      HoldoutEvaluator evaluator = new HoldoutEvaluator(spec, prepared.label(), binomial);
      Pipeline pipeline = PipelineFactory.build(spec, prepared.features(), family);
      ParamTuning.Tuned tuned = new ParamTuning.Tuned(pipeline, null);
      if (spec.tuning() != null) {
        describe(job, "tune (" + spec.tuning().method() + ")");
        tuned = ParamTuning.tune(spec, pipeline, PipelineFactory.learnerIndex(pipeline, spec),
            PipelineFactory.reserved(spec, PipelineFactory.learner(pipeline, spec)), training, prepared.label(),
            evaluator.metric(), binomial);
        pipeline = tuned.pipeline();
        LOG.info("{}: tuning chose {} ({} {} over {} grid points in {} s)", spec.name(), tuned.result().best().params(),
            tuned.result().metric(), tuned.result().best().mean(), tuned.result().points().size(),
            tuned.result().seconds());
      }

      describe(job, "fit");
      PipelineModel model = PipelineFactory.fit(spec, pipeline, training);
      if (prepared.features() != null) {
        prepared = prepared.withLevels(CategoricalLevels.of(model, prepared.features()));
      }

      describe(job, "evaluate on holdout");
      Dataset<Row> scored = model.transform(evaluation).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        HoldoutEvaluator.Result metrics = evaluator.evaluate(model, scored, training, evaluation, trainingMean);
        ModelEvaluation summary = metrics.evaluation();
        LOG.info("{}: holdout {} {} against {} for the {} reference", spec.name(), summary.metric(),
            summary.modelValue(), summary.referenceValue(), summary.reference());

        describe(job, "score CURRENT on the same holdout");
        CurrentModel current = CurrentModel.score(store, spec, signer, spark.version(), evaluator, training,
            evaluation);
        GateDecision gate = QualityGate.decide(spec.gate(), metrics.evaluation(), current.version(), current.value(),
            current.problem(), force);
        LOG.info("{}: {}", spec.name(), gate.summary());

        String version = ModelStore.newVersion(Instant.now());
        Manifest manifest = new Manifest(
            Manifest.FORMAT_VERSION,
            spec.name(),
            spec.kind().specName(),
            version,
            Instant.now().toString(),
            software(),
            spec.seed(),
            EstimatorParams.describe((Params) PipelineFactory.learner(pipeline, spec)),
            settings(spec, prepared, split, family),
            new Manifest.InputSummary(
                where,
                spec.input().format(),
                rows.read(),
                rows.excluded(),
                rows.excludedByReason(),
                trainingRows,
                holdoutRows,
                readJson(raw.schema().json())),
            metrics.regression(),
            prepared.contract(),
            null,
            metrics.evaluation(),
            tuned.result() == null ? null : JSON.valueToTree(tuned.result()),
            gate,
            spec.kind() == ModelKind.ELASTICNET ? Scorers.parametersOf(model).orElse(null) : null);

        ReportBuilder report = new ReportBuilder(manifest).tuning(tuned.result());
        if (spec.kind() == ModelKind.ELASTICNET) {
          CoefficientReport coefficients = CoefficientReport.of(model, training);
          report.coefficients(coefficients.coefficients().stream()
              .map(c -> new TrainingReport.Coefficient(c.name(), c.value())).toList(), coefficients.intercept());
          if (binomial) {
            report.binary(metrics.reportSection());
          } else {
            report.regression(scored, prepared.label(), holdoutRows, spec.seed());
          }
        } else {
          Map<String, Long> counts = metrics.evaluation().counts();
          report.als(training, prepared.label(), holdoutRows, counts.getOrDefault("coldStartUserUnseen", 0L),
              counts.getOrDefault("coldStartItemUnseen", 0L), counts.getOrDefault("coldStartBothUnseen", 0L));
        }

        describe(job, "save version " + version);
        Manifest saved = save(store, version, model, manifest, report);
        if (gate.publish()) {
          store.publish(version, gate.passed() ? "publish" : "force", gate.summary());
        } else {
          LOG.warn("{}: version {} saved but not published; CURRENT stays {}", spec.name(), version,
              current.version().orElse("unset"));
        }
        List<String> pruned = store.prune(spec.model().keep());
        if (!pruned.isEmpty()) {
          LOG.info("{}: removed old model versions beyond model.keep={}: {}", spec.name(), spec.model().keep(), pruned);
        }
        return new TrainResult(version, store.versionDir(version).toString(), gate.publish(), saved, gate);
      } finally {
        scored.unpersist();
      }
    } finally {
      usable.unpersist();
    }
  }

  /** The elastic-net learner: as the spec says, or for {@code auto} binomial exactly when the label is 0/1. */
  private static ElasticNetPipeline.Family family(JobSpec spec, Dataset<Row> training, String label) {
    if (spec.kind() != ModelKind.ELASTICNET || spec.family() == Family.GAUSSIAN) {
      return ElasticNetPipeline.Family.GAUSSIAN;
    }
    if (spec.family() == Family.BINOMIAL) {
      LabelKind.requireBinary(training, label);
      return ElasticNetPipeline.Family.BINOMIAL;
    }
    return LabelKind.detect(training, label) == LabelKind.BINARY ? ElasticNetPipeline.Family.BINOMIAL
        : ElasticNetPipeline.Family.GAUSSIAN;
  }

  /** Writes the version aside and moves it into place only when complete; removes the leftovers if anything fails. */
  private Manifest save(ModelStore store, String version, PipelineModel model, Manifest manifest,
      ReportBuilder report) {
    Path staging = store.stagingDir(version);
    try {
      store.claimStaging(version, LockHolder.thisProcess(version));
      model.write().save(new Path(staging, ModelStore.PIPELINE).toString());
      Manifest saved = store.writeManifest(staging, manifest, signer);
      ReportWriter.write(report.build(), staging.getFileSystem(HadoopPaths.conf(spark)), staging);
      store.commit(version);
      return saved;
    } catch (IOException e) {
      store.discardStaging(version);
      throw new UncheckedIOException("cannot save model version " + version + " under " + staging, e);
    } catch (RuntimeException e) {
      store.discardStaging(version);
      throw e;
    }
  }

  /**
   * Gives iterative algorithms (ALS) a checkpoint directory, so long runs never die of a deep lineage. Returns the
   * directory Spark created when this run set it, for removal afterwards; null when the session already had one.
   */
  private Path useCheckpointDir(ModelStore store) {
    if (spark.sparkContext().getCheckpointDir().isDefined()) {
      return null;
    }
    String dir = checkpointDir != null ? checkpointDir : new Path(store.root(), "_checkpoints").toString();
    spark.sparkContext().setCheckpointDir(dir);
    return new Path(spark.sparkContext().getCheckpointDir().get());
  }

  private void deleteQuietly(Path dir) {
    try {
      dir.getFileSystem(HadoopPaths.conf(spark)).delete(dir, true);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not remove the checkpoints under {}", dir, e);
    }
  }

  private void describe(String job, String phase) {
    SparkSessions.describePhase(spark, job, phase);
  }

  private static Map<String, Object> settings(JobSpec spec, TrainingData prepared, HoldoutSplit split,
      ElasticNetPipeline.Family family) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("holdoutFraction", spec.evaluation().holdoutFraction());
    if (split.cutoff() != null) {
      settings.put("holdoutTimeColumn", spec.evaluation().timeColumn());
      settings.put("holdoutFrom", split.cutoff());
    }
    settings.put("gate", spec.gate());
    settings.put("columns", spec.columns());
    if (spec.kind() == ModelKind.ALS) {
      settings.put("biases", spec.biases());
    } else {
      settings.put("family", family.specName());
      settings.put("numericFeatures", prepared.features().numeric());
      settings.put("categoricalFeatures", prepared.features().categorical());
    }
    return settings;
  }

  private Map<String, String> software() {
    Map<String, String> software = new LinkedHashMap<>();
    String nightjar = Trainer.class.getPackage().getImplementationVersion();
    software.put("nightjar", nightjar == null ? "dev" : nightjar);
    software.put("spark", spark.version());
    software.put("scala", scala.util.Properties.versionNumberString());
    software.put("java", System.getProperty("java.version"));
    return software;
  }

  private static com.fasterxml.jackson.databind.JsonNode readJson(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

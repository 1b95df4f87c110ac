package io.nightjar.store;

import io.nightjar.error.ModelException;
import io.nightjar.spec.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything checked before a saved pipeline is loaded: the manifest's signature (when a key is set), the digest of
 * every pipeline file, the classes the metadata names, and the Spark version that wrote it.
 */
public final class ModelVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(ModelVerifier.class);

  private ModelVerifier() {}

  /** Verifies a version and returns its manifest; fails with exit code 4 naming what is wrong. */
  public static Manifest verify(ModelStore store, String version, Optional<ManifestSignature> signer,
      ModelSpec policy, String runningSpark) {
    byte[] bytes = store.manifestBytes(version);
    Path where = store.versionDir(version);
    if (signer.isPresent()) {
      Optional<String> signature = store.signature(version);
      if (signature.isEmpty()) {
        throw new ModelException(String.format("model version %s at %s is not signed, and %s is set: refusing an "
            + "unsigned model; retrain with the key set", version, where, ManifestSignature.KEY_VARIABLE));
      }
      if (!signer.get().verify(bytes, signature.get())) {
        throw new ModelException(String.format("the signature of model version %s at %s does not match its manifest "
            + "under the key in %s: the manifest was changed or signed with another key", version, where,
            ManifestSignature.KEY_VARIABLE));
      }
    }
    Manifest manifest = ModelStore.parse(bytes, where + "/" + ModelStore.MANIFEST);
    verifyFiles(store, version, manifest);
    StageAllowList.check(store.fileSystem(), store.pipelineDir(version));
    verifySparkVersion(version, manifest, policy, runningSpark);
    return manifest;
  }

  private static void verifyFiles(ModelStore store, String version, Manifest manifest) {
    Path pipeline = store.pipelineDir(version);
    if (manifest.files() == null || manifest.files().isEmpty()) {
      throw new ModelException(String.format("the manifest of model version %s records no file digests, so %s cannot "
          + "be verified; retrain to make a verifiable version", version, pipeline));
    }
    Map<String, String> actual = ModelDigests.of(store.fileSystem(), pipeline);
    List<String> problems = new ArrayList<>();
    for (String file : new TreeSet<>(manifest.files().keySet())) {
      if (!actual.containsKey(file)) {
        problems.add("missing " + file);
      } else if (!actual.get(file).equals(manifest.files().get(file))) {
        problems.add("changed " + file);
      }
    }
    for (String file : new TreeSet<>(actual.keySet())) {
      if (!manifest.files().containsKey(file)) {
        problems.add("extra " + file);
      }
    }
    if (!problems.isEmpty()) {
      throw new ModelException(String.format("model version %s at %s does not match its manifest: %s; do not use it: "
          + "restore it from a backup or score with another version (--model-version)", version, pipeline,
          String.join(", ", problems)));
    }
  }

  private static void verifySparkVersion(String version, Manifest manifest, ModelSpec policy, String running) {
    String saved = manifest.software() == null ? null : manifest.software().get("spark");
    if (saved == null || majorMinor(saved).equals(majorMinor(running))) {
      return;
    }
    String message = String.format("model version %s was saved by Spark %s, this is Spark %s; retrain it under this "
        + "Spark, or set model.onSparkVersionMismatch: warn to score anyway", version, saved, running);
    if (policy.failOnSparkVersionMismatch()) {
      throw new ModelException(message);
    }
    LOG.warn(message);
  }

  static String majorMinor(String version) {
    String[] parts = version.split("\\.");
    return parts.length < 2 ? version : parts[0] + "." + parts[1];
  }
}

package io.nightjar.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.error.ExitCode;
import io.nightjar.error.ModelException;
import io.nightjar.spec.JobSpec;
import io.nightjar.spec.JobSpecLoader;
import io.nightjar.testing.Fixtures;
import io.nightjar.testing.SparkTestBase;
import io.nightjar.testing.TestFiles;
import io.nightjar.train.Trainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model is loaded only when it is exactly what train wrote, made by Nightjar, and (if a key is set) signed. */
class ModelIntegrityTest extends SparkTestBase {
  private static final String KEY = "test-signing-key-7f1c";

  @TempDir
  static Path dir;

  private static Path original;
  private static String version;
  private static JobSpec spec;

  @BeforeAll
  static void trainASignedModel() {
    Fixtures.homes(spark, 200, 3).write().parquet(dir.resolve("homes").toString());
    spec = JobSpecLoader.load("test", """
        name: homes
        kind: elasticnet
        input: {path: %1$s/homes}
        columns: {label: price}
        model: {store: %1$s/original}
        """.formatted(dir), List.of());
    version = new Trainer(spark, null, ManifestSignature.fromKey(KEY)).train(spec).version();
    original = dir.resolve("original");
  }

  /** A private copy of the store, to tamper with. */
  private static ModelStore copy(String name) throws IOException {
    Path target = dir.resolve(name);
    TestFiles.copyTree(original, target);
    return ModelStore.open(target.toString(), new Configuration());
  }

  private static Path pipeline(ModelStore store) {
    return Path.of(store.pipelineDir(version).toUri());
  }

  private static ModelException refused(ModelStore store, Optional<ManifestSignature> signer) {
    ModelException e = assertThrows(ModelException.class,
        () -> ModelVerifier.verify(store, version, signer, spec.model(), spark.version()));
    assertEquals(ExitCode.MODEL, e.exitCode());
    return e;
  }

  private static Path someDataFile(ModelStore store) throws IOException {
    try (Stream<Path> files = Files.walk(pipeline(store))) {
      return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
  }

  @Test
  void anUntouchedSignedModelVerifies() throws IOException {
    ModelStore store = copy("untouched");
    Manifest manifest = ModelVerifier.verify(store, version, ManifestSignature.fromKey(KEY), spec.model(),
        spark.version());
    assertEquals(version, manifest.version());
    assertTrue(manifest.files().size() > 5, "digests of every pipeline file: " + manifest.files().keySet());
    assertTrue(manifest.contract().columns().size() >= 4, "contract recorded: " + manifest.contract());
    assertEquals(List.of("east", "north", "south"),
        manifest.contract().categoricalLevels().get("region").stream().sorted().toList());
  }

  @Test
  void aChangedFileIsNamed() throws IOException {
    ModelStore store = copy("changed");
    Path file = someDataFile(store);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Files.write(file, bytes);
    String relative = pipeline(store).relativize(file).toString();
    assertTrue(refused(store, Optional.empty()).getMessage().contains("changed " + relative));
  }

  @Test
  void aMissingAndAnExtraFileAreNamed() throws IOException {
    ModelStore store = copy("missing");
    Path file = someDataFile(store);
    Files.delete(file);
    Files.writeString(pipeline(store).resolve("stages").resolve("extra.txt"), "surprise");
    String message = refused(store, Optional.empty()).getMessage();
    assertTrue(message.contains("missing " + pipeline(store).relativize(file)), message);
    assertTrue(message.contains("extra stages/extra.txt"), message);
  }

  @Test
  void aClassOutsideTheAllowListIsRefusedBeforeLoading() throws IOException {
    ModelStore store = copy("crafted");
    Path metadata;
    try (Stream<Path> files = Files.walk(pipeline(store).resolve("stages"))) {
      metadata = files.filter(p -> p.getFileName().toString().startsWith("part-")
          && p.getParent().getFileName().toString().equals("metadata")).findFirst().orElseThrow();
    }
    String json = Files.readString(metadata);
    Files.writeString(metadata, json.replaceFirst("\"class\":\"[^\"]+\"", "\"class\":\"com.example.Evil\""));
    ModelException e = assertThrows(ModelException.class,
        () -> StageAllowList.check(store.fileSystem(), store.pipelineDir(version)));
    assertTrue(e.getMessage().contains("names the class 'com.example.Evil', which is not one of Nightjar's pipeline "
        + "stages"), e.getMessage());
  }

  @Test
  void aWrongSignatureIsRefused() throws IOException {
    ModelStore store = copy("wrongkey");
    String message = refused(store, ManifestSignature.fromKey("another-key")).getMessage();
    assertTrue(message.contains("does not match its manifest under the key in NIGHTJAR_SIGNING_KEY"), message);
  }

  @Test
  void anEditedManifestFailsItsSignature() throws IOException {
    ModelStore store = copy("edited");
    Path manifest = Path.of(store.versionDir(version).toUri()).resolve(ModelStore.MANIFEST);
    Files.writeString(manifest, Files.readString(manifest).replace("\"kind\" : \"elasticnet\"",
        "\"kind\" : \"elasticnet\" "));
    refused(store, ManifestSignature.fromKey(KEY));
  }

  @Test
  void anUnsignedModelIsRefusedWhenAKeyIsSet() throws IOException {
    ModelStore store = copy("unsigned");
    Files.delete(Path.of(store.versionDir(version).toUri()).resolve(ManifestSignature.SIGNATURE_FILE));
    assertTrue(refused(store, ManifestSignature.fromKey(KEY)).getMessage().contains("is not signed"));
    ModelVerifier.verify(store, version, Optional.empty(), spec.model(), spark.version());
  }

  @Test
  void theSigningKeyNeverAppearsInTheModelStore() throws IOException {
    try (Stream<Path> files = Files.walk(original)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertTrue(!text.contains(KEY), "key found in " + file);
      }
    }
  }

  @Test
  void aModelFromAnotherSparkMinorIsRefusedOrWarnedAsConfigured() throws IOException {
    ModelStore store = copy("otherspark");
    ModelException e = assertThrows(ModelException.class,
        () -> ModelVerifier.verify(store, version, Optional.empty(), spec.model(), "3.5.1"));
    assertTrue(e.getMessage().contains("was saved by Spark " + spark.version() + ", this is Spark 3.5.1"),
        e.getMessage());
    JobSpec lenient = JobSpecLoader.load("test", String.join("\n",
        "name: homes", "kind: elasticnet", "input: {path: x}", "columns: {label: price}",
        "model: {store: x, onSparkVersionMismatch: warn}"), List.of());
    assertEquals(version, ModelVerifier.verify(store, version, Optional.empty(), lenient.model(), "3.5.1").version());
    String otherPatch = spark.version().substring(0, spark.version().lastIndexOf('.')) + ".99";
    assertEquals(version, ModelVerifier.verify(store, version, Optional.empty(), spec.model(), otherPatch).version(),
        "a patch release differs without harm");
  }

  @Test
  void aMissingCurrentSaysToTrainFirst() throws IOException {
    ModelStore store = copy("nocurrent");
    Files.delete(Path.of(store.root().toUri()).resolve(ModelStore.CURRENT));
    ModelException e = assertThrows(ModelException.class, () -> store.resolve(Optional.empty()));
    assertTrue(e.getMessage().contains("no current model"), e.getMessage());
    assertEquals(version, store.resolve(Optional.of(version)), "an explicit version still works");
  }
}

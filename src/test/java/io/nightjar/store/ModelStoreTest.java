package io.nightjar.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.error.ExitCode;
import io.nightjar.error.ModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {
  @TempDir
  Path dir;

  private ModelStore store;

  @BeforeEach
  void open() {
    store = ModelStore.open(dir.resolve("store").toString(), new Configuration());
  }

  private String stage(Instant when) throws IOException {
    String version = ModelStore.newVersion(when);
    org.apache.hadoop.fs.Path staging = store.stagingDir(version);
    Files.createDirectories(Path.of(staging.toUri()).resolve(ModelStore.PIPELINE));
    store.writeManifest(staging, new Manifest(Manifest.FORMAT_VERSION, "job", "als", version, when.toString(),
        Map.of(), 1L, Map.of(), Map.of(), null, null, null, null, null, null, null, null), Optional.empty());
    return version;
  }

  @Test
  void versionsSortByCreationTime() {
    String early = ModelStore.newVersion(Instant.parse("2026-01-02T03:04:05.006Z"));
    String late = ModelStore.newVersion(Instant.parse("2026-11-02T03:04:05.006Z"));
    assertTrue(early.startsWith("20260102-030405-006-"), early);
    assertTrue(early.compareTo(late) < 0);
  }

  @Test
  void aCommittedVersionIsListedAndBecomesCurrentOnlyWhenSet() throws IOException {
    String version = stage(Instant.parse("2026-11-20T01:00:00Z"));
    assertEquals(List.of(), store.versions(), "a staged version is invisible");
    store.commit(version);
    assertEquals(List.of(version), store.versions());
    assertEquals(Optional.empty(), store.current());
    store.setCurrent(version);
    assertEquals(Optional.of(version), store.current());
    assertEquals(version, store.resolve(Optional.empty()));
    assertEquals("job", store.manifest(version).job());
    assertTrue(store.manifest(version).compiledScorer().isEmpty(), "a manifest written without a scorer has none");
  }

  @Test
  void currentMovesToTheNewerVersion() throws IOException {
    String first = stage(Instant.parse("2026-11-20T01:00:00Z"));
    store.commit(first);
    store.setCurrent(first);
    String second = stage(Instant.parse("2026-11-21T01:00:00Z"));
    store.commit(second);
    store.setCurrent(second);
    assertEquals(List.of(first, second), store.versions());
    assertEquals(Optional.of(second), store.current());
    assertEquals(first, store.resolve(Optional.of(first)));
  }

  @Test
  void anExistingVersionIsNeverOverwritten() throws IOException {
    String version = stage(Instant.parse("2026-11-20T01:00:00Z"));
    store.commit(version);
    Files.createDirectories(Path.of(store.stagingDir(version).toUri()));
    ModelException e = assertThrows(ModelException.class, () -> store.commit(version));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
  }

  @Test
  void noCurrentModelSaysWhatToDo() {
    ModelException e = assertThrows(ModelException.class, () -> store.resolve(Optional.empty()));
    assertEquals(ExitCode.MODEL, e.exitCode());
    assertTrue(e.getMessage().startsWith("no current model in file:" + dir.resolve("store")), e.getMessage());
    assertTrue(e.getMessage().endsWith("train one first with 'scripts/nightjar train --job ...'"), e.getMessage());
  }

  @Test
  void anUnknownVersionIsRejectedWithTheKnownOnes() throws IOException {
    String version = stage(Instant.parse("2026-11-20T01:00:00Z"));
    store.commit(version);
    ModelException e = assertThrows(ModelException.class, () -> store.resolve(Optional.of("20990101-000000-000-0000")));
    assertTrue(e.getMessage().endsWith("versions there: " + version), e.getMessage());
  }

  @Test
  void discardingStagingRemovesAPartialVersion() throws IOException {
    String version = stage(Instant.parse("2026-11-20T01:00:00Z"));
    store.discardStaging(version);
    assertTrue(Files.notExists(Path.of(store.stagingDir(version).toUri())));
  }

  private List<String> publishVersions(int count) throws IOException {
    List<String> versions = new java.util.ArrayList<>();
    for (int k = 0; k < count; k++) {
      String version = stage(Instant.parse("2026-11-01T00:00:00Z").plusSeconds(86400L * k));
      store.commit(version);
      versions.add(version);
    }
    return versions;
  }

  @Test
  void retentionKeepsTheNewestVersions() throws IOException {
    List<String> versions = publishVersions(5);
    store.setCurrent(versions.get(4));
    assertEquals(versions.subList(0, 2), store.prune(3));
    assertEquals(versions.subList(2, 5), store.versions());
  }

  @Test
  void retentionNeverDeletesCurrentOrTheVersionBeforeIt() throws IOException {
    List<String> versions = publishVersions(5);
    store.setCurrent(versions.get(1));
    assertEquals(List.of(versions.get(2), versions.get(3)), store.prune(3));
    assertEquals(List.of(versions.get(0), versions.get(1), versions.get(4)), store.versions());
  }

  @Test
  void retentionOfZeroKeepsEverything() throws IOException {
    List<String> versions = publishVersions(3);
    store.setCurrent(versions.get(2));
    assertEquals(List.of(), store.prune(0));
    assertEquals(versions, store.versions());
  }

  @Test
  void abandonedStagingOfADeadProcessIsCleanedAndALiveOneKept() throws Exception {
    String dead = stage(Instant.parse("2026-11-20T01:00:00Z"));
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    store.claimStaging(dead, new io.nightjar.run.LockHolder("t1",
        java.net.InetAddress.getLocalHost().getHostName(), gone.pid(), "2026-11-20T01:00:00Z"));
    String live = stage(Instant.parse("2026-11-20T02:00:00Z"));
    store.claimStaging(live, io.nightjar.run.LockHolder.thisProcess("t2"));
    assertEquals(List.of(dead), store.cleanAbandonedStaging(java.time.Duration.ofHours(24)));
    assertTrue(Files.exists(Path.of(store.stagingDir(live).toUri())), "a live run's staging is kept");
  }

  @Test
  void rollbackReturnsToThePreviouslyPublishedVersionSkippingUnpublishedOnes() throws IOException {
    List<String> versions = publishVersions(4);
    store.publish(versions.get(0), "publish", "first");
    // versions 1 and 2 failed the gate: never published
    store.publish(versions.get(3), "publish", "fourth");
    assertEquals(Optional.of(versions.get(0)), store.previousPublished(versions.get(3)));
    assertEquals(versions.get(0), store.rollback("bad scores"));
    assertEquals(Optional.of(versions.get(0)), store.current());
    ModelException e = assertThrows(ModelException.class, () -> store.rollback("again"));
    assertTrue(e.getMessage().contains("names no version before CURRENT " + versions.get(0)), e.getMessage());
    assertEquals(Optional.of(versions.get(0)), store.current(), "a refused rollback leaves CURRENT alone");
  }

  @Test
  void promoteThenRollbackWalksBackThroughThePublishHistory() throws IOException {
    List<String> versions = publishVersions(3);
    store.publish(versions.get(0), "publish", "a");
    store.publish(versions.get(1), "publish", "b");
    store.publish(versions.get(2), "promote", "c by hand");
    assertEquals(versions.get(1), store.rollback("undo c"));
    assertEquals(versions.get(0), store.rollback("undo b"));
    assertEquals(Optional.of(versions.get(0)), store.current());
  }

  @Test
  void retentionKeepsTheRollbackTargetEvenWhenOlderVersionsWereNeverPublished() throws IOException {
    List<String> versions = publishVersions(6);
    store.publish(versions.get(0), "publish", "a");
    store.publish(versions.get(5), "publish", "f");
    // 1..4 were refused by the gate; keeping 3 must still keep version 0, the rollback target
    List<String> deleted = store.prune(3);
    assertTrue(store.versions().contains(versions.get(0)), store.versions().toString());
    assertTrue(store.versions().contains(versions.get(5)));
    assertEquals(3, deleted.size(), deleted.toString());
  }
}

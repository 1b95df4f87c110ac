package io.nightjar.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputLayoutTest {
  @TempDir
  Path dir;

  @Test
  void preparingARerunWithdrawsItsDatesMarkersApartFromWhatKilledRunsLeft() throws IOException {
    Path root = dir.resolve("out");
    Files.createDirectories(root.resolve("ds=2026-11-20"));
    Files.writeString(root.resolve("ds=2026-11-20").resolve(OutputLayout.MARKER), "{}");
    Files.createDirectories(root.resolve("ds=2026-11-21"));
    Files.writeString(root.resolve("ds=2026-11-21").resolve(OutputLayout.MARKER), "{}");
    Files.createDirectories(root.resolve(".spark-staging-abc"));
    Path stale = Files.createDirectories(root.resolve(OutputLayout.STAGING).resolve("old-run"));
    Files.setLastModifiedTime(stale, FileTime.fromMillis(System.currentTimeMillis()
        - OutputLayout.STALE_STAGING_MILLIS - 60_000));
    Path live = Files.createDirectories(root.resolve(OutputLayout.STAGING).resolve("live-run"));

    OutputLayout.Prepared prepared = new OutputLayout(root.toString(), "ds", new Configuration())
        .prepare(List.of("2026-11-20", "2026-11-22"));

    assertEquals(List.of("2026-11-20"), prepared.withdrawnMarkers());
    assertEquals(2, prepared.leftovers().size(), prepared.leftovers().toString());
    assertTrue(prepared.leftovers().stream().anyMatch(p -> p.endsWith("/.spark-staging-abc")), prepared.toString());
    assertTrue(prepared.leftovers().stream().anyMatch(p -> p.endsWith("/old-run")), prepared.toString());
    assertFalse(Files.exists(root.resolve("ds=2026-11-20").resolve(OutputLayout.MARKER)));
    // Another date's marker, and a live run's staging, are not this run's to touch.
    assertTrue(Files.exists(root.resolve("ds=2026-11-21").resolve(OutputLayout.MARKER)));
    assertTrue(Files.exists(live));
  }

  @Test
  void aFirstRunHasNothingToPrepare() {
    OutputLayout.Prepared prepared = new OutputLayout(dir.resolve("new").toString(), "ds", new Configuration())
        .prepare(List.of("2026-11-20"));
    assertEquals(List.of(), prepared.withdrawnMarkers());
    assertEquals(List.of(), prepared.leftovers());
  }
}

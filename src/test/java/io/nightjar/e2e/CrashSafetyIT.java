package io.nightjar.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nightjar.testing.TestFiles;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at the worst moments: a predict JVM while it writes, a train JVM while it saves. Nothing earlier is lost,
 * nothing unfinished is vouched for, and the next run cleans up and succeeds.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashSafetyIT {
  private static final String JOB = "jobs/ratings-als.yaml";
  private static final String[] SMALL = {"--set", "params.maxIter=4"};

  @TempDir
  static Path work;

  private static Path output;
  private static Path store;

  @BeforeAll
  static void trainAndScoreOnce() throws Exception {
    TestFiles.workingCopy(work);
    output = work.resolve("output/ratings-als");
    store = work.resolve("models/ratings-als");
    assertEquals(0, run(List.of("train", "--job", JOB, SMALL[0], SMALL[1])).waitFor());
    assertEquals(0, run(List.of("predict", "--job", JOB, "--all-partitions")).waitFor());
  }

  private static Process run(List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(work.resolve("scripts/nightjar").toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
        .redirectErrorStream(true).redirectOutput(work.resolve("last-run.log").toFile());
    builder.environment().put("NIGHTJAR_JAVA_OPTS", "-Xmx1g");
    return builder.start();
  }

  /** Waits until {@code seen} holds for some path under {@code root}, then kills the process with SIGKILL. */
  private static boolean killWhen(Process process, Path root, Predicate<Path> seen) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline && process.isAlive()) {
      if (Files.exists(root)) {
        try (Stream<Path> paths = Files.walk(root)) {
          if (paths.anyMatch(seen)) {
            process.destroyForcibly();
            process.waitFor();
            return true;
          }
        } catch (IOException | java.io.UncheckedIOException racing) {
          // files come and go while the job runs; look again
        }
      }
      Thread.sleep(20);
    }
    return false;
  }

  /** Every data file under a partition directory with its modification time. */
  private static Map<String, Long> snapshot(Path dir) throws IOException {
    Map<String, Long> files = new TreeMap<>();
    try (Stream<Path> paths = Files.list(dir)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        String name = path.getFileName().toString();
        if (name.endsWith(".parquet")) {
          files.put(name, Files.getLastModifiedTime(path).toMillis());
        }
      }
    }
    return files;
  }

  private static boolean hasLeftovers(Path root) throws IOException {
    try (Stream<Path> paths = Files.list(root)) {
      return paths.anyMatch(p -> p.getFileName().toString().startsWith(".spark-staging-"));
    }
  }

  @Test
  @Order(1)
  void predictKilledWhileWritingLosesNothingAndTheRerunCompletes() throws Exception {
    Map<String, Long> day20 = snapshot(output.resolve("ds=2026-11-20"));
    Map<String, Long> day21 = snapshot(output.resolve("ds=2026-11-21"));
    Map<String, Long> day22 = snapshot(output.resolve("ds=2026-11-22"));

    Process predict = run(List.of("predict", "--job", JOB, "--run-date", "2026-11-22"));
    boolean killed = killWhen(predict, output,
        p -> p.getFileName().toString().startsWith(".spark-staging-") || p.toString().contains("/_temporary"));
    assertTrue(killed, "the run was killed while writing: " + Files.readString(work.resolve("last-run.log")));

    assertEquals(day20, snapshot(output.resolve("ds=2026-11-20")), "other dates untouched");
    assertEquals(day21, snapshot(output.resolve("ds=2026-11-21")), "other dates untouched");
    assertFalse(Files.exists(output.resolve("ds=2026-11-22/_NIGHTJAR_SUCCESS")), "no marker for the killed run");
    assertTrue(Files.exists(output.resolve("_locks/ds=2026-11-22.lock")), "the dead run's lock is still there");
    Map<String, Long> afterKill = snapshot(output.resolve("ds=2026-11-22"));
    assertTrue(afterKill.equals(day22) || !afterKill.isEmpty(), "the date keeps complete output: " + afterKill);

    Process rerun = run(List.of("predict", "--job", JOB, "--run-date", "2026-11-22"));
    assertEquals(0, rerun.waitFor(), Files.readString(work.resolve("last-run.log")));
    String log = Files.readString(work.resolve("last-run.log"));
    assertTrue(log.contains("taking over the stale lock"), log);
    assertTrue(log.contains("978 rows in, 978 scored, 0 rejected"), log);
    assertTrue(Files.exists(output.resolve("ds=2026-11-22/_NIGHTJAR_SUCCESS")));
    assertFalse(hasLeftovers(output), "the rerun cleaned up the killed run's staging");
    assertFalse(Files.exists(output.resolve("_locks/ds=2026-11-22.lock")), "lock released");
    assertEquals(day20, snapshot(output.resolve("ds=2026-11-20")));
  }

  @Test
  @Order(2)
  void trainKilledWhileSavingLeavesCurrentOnThePreviousVersion() throws Exception {
    String before = Files.readString(store.resolve("CURRENT")).trim();
    Process train = run(List.of("train", "--job", JOB, SMALL[0], SMALL[1]));
    boolean killed = killWhen(train, store.resolve("_staging"),
        p -> p.getFileName().toString().endsWith(".owner"));
    assertTrue(killed, "the train was killed while saving: " + Files.readString(work.resolve("last-run.log")));
    assertEquals(before, Files.readString(store.resolve("CURRENT")).trim(), "CURRENT unchanged");
    assertTrue(new File(store.toFile(), before + "/pipeline").isDirectory(), "the previous version intact");

    assertEquals(0, run(List.of("train", "--job", JOB, SMALL[0], SMALL[1])).waitFor(),
        Files.readString(work.resolve("last-run.log")));
    String after = Files.readString(store.resolve("CURRENT")).trim();
    assertTrue(after.compareTo(before) > 0, "a newer version is current: " + after);
    try (Stream<Path> staged = Files.list(store.resolve("_staging"))) {
      assertEquals(List.of(), staged.map(p -> p.getFileName().toString()).toList(), "abandoned staging removed");
    }
  }
}

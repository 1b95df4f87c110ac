package io.nightjar.bench;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/** What every benchmark shares: the machine line, timing, a local session, where data lives. */
public final class BenchSupport {
  private BenchSupport() {}

  /** Root for generated benchmark data (outside the sources). */
  public static Path benchDir() {
    String dir = System.getenv().getOrDefault("NIGHTJAR_BENCH_DIR", "target/bench");
    return Paths.get(dir).toAbsolutePath();
  }

  /** Where the public datasets are read from; never copied into the repository. */
  public static Path sharedData() {
    String dir = System.getenv().getOrDefault("NIGHTJAR_SHARED_DATA", "../shared/data");
    return Paths.get(dir).toAbsolutePath().normalize();
  }

  /** The named shared dataset directory, or null after printing why the benchmark skips it. */
  public static Path sharedDataset(String name) {
    Path dir = sharedData().resolve(name);
    if (!Files.isDirectory(dir)) {
      System.out.printf("SKIP %s: %s not found (set NIGHTJAR_SHARED_DATA to the folder holding it)%n", name, dir);
      return null;
    }
    return dir;
  }

  /** One line naming the machine, printed at the top of every benchmark. */
  public static String machine() {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return String.format(Locale.ROOT, "machine: %d cores, %.1f GiB RAM, max heap %.1f GiB, Java %s, %s %s",
        Runtime.getRuntime().availableProcessors(), os.getTotalMemorySize() / 1073741824.0,
        Runtime.getRuntime().maxMemory() / 1073741824.0, System.getProperty("java.version"),
        System.getProperty("os.name"), System.getProperty("os.arch"));
  }

  /** A local session like the job's default one: every core, no UI, loopback. */
  public static SparkSession localSession(String app) {
    String master = System.getenv("NIGHTJAR_BENCH_MASTER");
    SparkSession spark = SparkSession.builder()
        .master(master == null || master.isBlank() ? "local[*]" : master)
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  /** Seconds since {@code startNanos}. */
  /**
   * With {@code -Dnightjar.bench.jobs=S}, prints every Spark job that took at least S seconds when it ends: its id,
   * time and call site (for finding where a pipeline's time goes without a UI).
   */
  public static void logSlowJobs(SparkSession spark) {
    String threshold = System.getProperty("nightjar.bench.jobs");
    if (threshold == null) {
      return;
    }
    double least = Double.parseDouble(threshold);
    java.util.Map<Integer, Long> starts = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.Map<Integer, String> sites = new java.util.concurrent.ConcurrentHashMap<>();
    spark.sparkContext().addSparkListener(new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
        starts.put(start.jobId(), start.time());
        // The last stage of a job is named after the action that ran it ("count at ALS.scala:1050").
        scala.collection.immutable.Seq<org.apache.spark.scheduler.StageInfo> stages = start.stageInfos();
        sites.put(start.jobId(), stages.isEmpty() ? "?" : stages.last().name());
      }

      @Override
      public void onJobEnd(org.apache.spark.scheduler.SparkListenerJobEnd end) {
        Long begun = starts.remove(end.jobId());
        String site = sites.remove(end.jobId());
        double seconds = begun == null ? 0 : (end.time() - begun) / 1000.0;
        if (seconds >= least) {
          System.out.printf(java.util.Locale.ROOT, "  job %d %.2f s %s%n", end.jobId(), seconds, site);
        }
      }
    });
  }

  /** The median of {@code values} (the mean of the middle two for an even count). */
  public static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * Runs {@code command} (a main class and its arguments) in a fresh JVM like this one: its java, JVM options and
   * classpath, output to {@code log}. Returns the whole process's wall seconds; fails on a non-zero exit.
   */
  public static double runJvm(List<String> command, Path log) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    full.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    full.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    full.add("-cp");
    full.add(System.getProperty("java.class.path"));
    full.addAll(command);
    long start = System.nanoTime();
    Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    int code = process.waitFor();
    double seconds = secondsSince(start);
    if (code != 0) {
      throw new IllegalStateException("exit code " + code + " from " + command + "; see " + log);
    }
    return seconds;
  }

  /** The latest run report under a predict output {@code out}. */
  public static Path latestReport(Path out) throws IOException {
    try (var files = Files.list(out.resolve("_runs"))) {
      // Run ids start with the UTC start time, so the greatest name is the latest run.
      return files.max(Comparator.comparing(p -> p.getFileName().toString())).orElseThrow();
    }
  }

  public static double secondsSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** A figure beside its baseline, as a ratio. */
  public static String ratio(String what, double value, double baseline, String unit) {
    return String.format(Locale.ROOT, "%-44s %10.2f %s   baseline %10.2f %s   ratio %.3f", what, value, unit, baseline,
        unit, value / baseline);
  }

  /** Deletes a directory tree if present. */
  public static void deleteTree(Path dir) {
    File f = dir.toFile();
    if (f.exists()) {
      try (var walk = Files.walk(dir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /**
   * Flushes the written files the kernel still holds in memory ({@code sync}), so the next timed run does not pay for
   * the write-back of the one before. Does nothing where {@code sync} is missing.
   */
  public static void flushWrites() {
    try {
      new ProcessBuilder("sync").inheritIO().start().waitFor();
    } catch (java.io.IOException e) {
      // no sync on this system: the runs share the write-back as they come
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

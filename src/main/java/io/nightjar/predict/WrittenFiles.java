package io.nightjar.predict;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Rows and files per partition value of Parquet data, from the files' footers alone: the row count of every row
 * group is in the footer, so no data page is read and no Spark job runs. Footers are read on a few driver threads.
 */
final class WrittenFiles {
  /** Footers read at once. */
  private static final int THREADS = 8;

  private WrittenFiles() {}

  /**
   * Rows and data files of one partition value.
   *
   * @param rows rows in all the partition's files
   * @param files data files
   */
  record Counts(long rows, int files) {
    static final Counts NONE = new Counts(0, 0);
  }

  /** The data files under {@code root}'s {@code <partition>=<value>} directories, counted by value. */
  static Map<String, Counts> underRoot(Path root, String partition, Configuration conf) {
    List<Path> files = new ArrayList<>();
    FileSystem fs;
    try {
      fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        return new TreeMap<>();
      }
      for (FileStatus dir : fs.listStatus(root)) {
        if (dir.isDirectory() && dir.getPath().getName().startsWith(partition + "=")) {
          for (FileStatus file : fs.listStatus(dir.getPath())) {
            if (file.isFile() && isData(file.getPath().getName())) {
              files.add(file.getPath());
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the files written under " + root, e);
    }
    return ofFiles(files, partition, conf);
  }

  /** The given Parquet files, counted by the value of the nearest {@code <partition>=<value>} directory above each. */
  static Map<String, Counts> ofFiles(List<Path> files, String partition, Configuration conf) {
    List<Long> rows = footerRows(files, conf);
    Map<String, Counts> counts = new TreeMap<>();
    for (int k = 0; k < files.size(); k++) {
      String value = partitionValue(files.get(k), partition);
      Counts old = counts.getOrDefault(value, Counts.NONE);
      counts.put(value, new Counts(old.rows() + rows.get(k), old.files() + 1));
    }
    return counts;
  }

  static boolean isData(String name) {
    return !name.startsWith("_") && !name.startsWith(".");
  }

  private static String partitionValue(Path file, String partition) {
    String prefix = partition + "=";
    for (Path dir = file.getParent(); dir != null; dir = dir.getParent()) {
      if (dir.getName().startsWith(prefix)) {
        // The raw directory name, as BatchReader lists the partitions to score.
        return dir.getName().substring(prefix.length());
      }
    }
    throw new IllegalStateException("file " + file + " is not under a " + prefix + "... directory");
  }

  private static List<Long> footerRows(List<Path> files, Configuration conf) {
    if (files.isEmpty()) {
      return List.of();
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(THREADS, files.size()), runnable -> {
      Thread thread = new Thread(runnable, "nightjar-footers");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<Long>> futures = new ArrayList<>();
      for (Path file : files) {
        futures.add(pool.submit(() -> footerRows(file, conf)));
      }
      List<Long> rows = new ArrayList<>();
      for (Future<Long> future : futures) {
        rows.add(future.get());
      }
      return rows;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading Parquet footers", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(cause.getMessage(), cause);
    } finally {
      pool.shutdownNow();
    }
  }

  private static long footerRows(Path file, Configuration conf) {
    try {
      HadoopInputFile input = HadoopInputFile.fromPath(file, conf);
      if (input.getLength() == 0) {
        return 0; // an empty file holds no rows (Spark skips it too)
      }
      try (ParquetFileReader reader = ParquetFileReader.open(input)) {
        return reader.getRecordCount();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Parquet footer of " + file + ": " + e.getMessage(), e);
    }
  }
}

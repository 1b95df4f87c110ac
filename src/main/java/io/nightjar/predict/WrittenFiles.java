package io.nightjar.predict;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.EncodingStats;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
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

  /**
   * What the footers of the data files under {@code root}'s {@code <partition>=<value>} directories tell: rows and
   * files per value, and which of the columns {@code finite} names their statistics do not show to hold only finite,
   * non-null values.
   *
   * @param counts rows and files per partition value
   * @param notShownFinite the columns of {@code finite} with a column chunk whose statistics leave a null, a NaN or
   *     an infinity possible (no statistics, nulls counted, no minimum and maximum, or an infinite one), or missing
   *     from a file that holds rows
   */
  record Written(Map<String, Counts> counts, Set<String> notShownFinite) {}

  /** The data files under {@code root}'s {@code <partition>=<value>} directories, by value; see {@link Written}. */
  static Written underRoot(Path root, String partition, Set<String> finite, Configuration conf) {
    List<Path> files = new ArrayList<>();
    FileSystem fs;
    try {
      fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        return new Written(new TreeMap<>(), Set.of());
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
    List<Footer> footers = footers(files, finite, conf);
    Set<String> notShown = new HashSet<>();
    footers.forEach(footer -> notShown.addAll(footer.notShownFinite()));
    return new Written(counts(files, footers, partition), Set.copyOf(notShown));
  }

  /** The files' rows and files, by the value of the nearest {@code <partition>=<value>} directory above each. */
  private static Map<String, Counts> counts(List<Path> files, List<Footer> footers, String partition) {
    Map<String, Counts> counts = new TreeMap<>();
    for (int k = 0; k < files.size(); k++) {
      String value = partitionValue(files.get(k), partition);
      Counts old = counts.getOrDefault(value, Counts.NONE);
      counts.put(value, new Counts(old.rows() + footers.get(k).rows(), old.files() + 1));
    }
    return counts;
  }

  /**
   * What the footers of a set of Parquet files tell: rows and files per partition value, and the top-level columns
   * that no file stores with a dictionary.
   *
   * @param counts rows and files per partition value (null when not read from footers)
   * @param withoutDictionary the top-level primitive columns of which no data page in any file is dictionary-encoded
   *     (empty when there are no files)
   */
  record Summary(Map<String, Counts> counts, Set<String> withoutDictionary) {}

  /** The footers of {@code files} summed up; see {@link Summary}. */
  static Summary summary(List<Path> files, String partition, Configuration conf) {
    List<Footer> footers = footers(files, Set.of(), conf);
    Set<String> plain = null;
    for (Footer footer : footers) {
      if (footer.rows() > 0) {
        if (plain == null) {
          plain = new HashSet<>(footer.withoutDictionary());
        } else {
          plain.retainAll(footer.withoutDictionary());
        }
      }
    }
    return new Summary(counts(files, footers, partition), plain == null ? Set.of() : Set.copyOf(plain));
  }

  /**
   * One file's row count, the top-level columns none of whose data pages it stores with a dictionary, and the
   * columns asked about that its statistics do not show finite.
   */
  private record Footer(long rows, Set<String> withoutDictionary, Set<String> notShownFinite) {
    static final Footer EMPTY = new Footer(0, Set.of(), Set.of());
  }

  /**
   * The columns of {@code finite} that the file's chunk statistics do not show to hold only finite, non-null values.
   * A chunk shows it when its null count is recorded as 0 and its minimum and maximum are finite: Parquet orders
   * floating-point values with NaN above infinity, and its writer records no minimum or maximum for a chunk that
   * holds a NaN ({@code WrittenFilesTest} checks both against the Parquet release Spark ships).
   */
  private static Set<String> notShownFinite(ParquetMetadata footer, Set<String> finite) {
    if (finite.isEmpty() || footer.getBlocks().stream().allMatch(block -> block.getRowCount() == 0)) {
      return Set.of();
    }
    Set<String> stored = new HashSet<>();
    Set<String> notShown = new HashSet<>();
    for (BlockMetaData block : footer.getBlocks()) {
      for (ColumnChunkMetaData chunk : block.getColumns()) {
        String[] path = chunk.getPath().toArray();
        if (path.length == 1 && finite.contains(path[0])) {
          stored.add(path[0]);
          if (!showsFinite(chunk)) {
            notShown.add(path[0]);
          }
        }
      }
    }
    finite.stream().filter(name -> !stored.contains(name)).forEach(notShown::add);
    return Set.copyOf(notShown);
  }

  private static boolean showsFinite(ColumnChunkMetaData chunk) {
    if (chunk.getValueCount() == 0) {
      return true;
    }
    Statistics<?> stats = chunk.getStatistics();
    if (stats == null || stats.isEmpty() || !stats.isNumNullsSet() || stats.getNumNulls() != 0
        || !stats.hasNonNullValue()) {
      return false;
    }
    return isFinite(stats.genericGetMin()) && isFinite(stats.genericGetMax());
  }

  private static boolean isFinite(Object value) {
    if (value instanceof Double d) {
      return Double.isFinite(d);
    }
    if (value instanceof Float f) {
      return Float.isFinite(f);
    }
    return false; // not a floating-point column: not shown this way
  }

  /**
   * The top-level primitive columns of which no chunk in the file has a dictionary-encoded data page. A chunk whose
   * writer recorded no encoding statistics counts as dictionary-encoded when it lists a dictionary encoding at all.
   */
  private static Set<String> withoutDictionary(ParquetMetadata footer) {
    Set<String> plain = new HashSet<>();
    Set<String> dictionary = new HashSet<>();
    for (BlockMetaData block : footer.getBlocks()) {
      for (ColumnChunkMetaData chunk : block.getColumns()) {
        String[] path = chunk.getPath().toArray();
        if (path.length != 1) {
          continue; // nested: left as Spark writes it
        }
        EncodingStats stats = chunk.getEncodingStats();
        boolean usesDictionary = stats != null ? stats.hasDictionaryEncodedPages()
            : chunk.getEncodings().stream().anyMatch(Encoding::usesDictionary);
        (usesDictionary ? dictionary : plain).add(path[0]);
      }
    }
    plain.removeAll(dictionary);
    return plain;
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

  private static List<Footer> footers(List<Path> files, Set<String> finite, Configuration conf) {
    if (files.isEmpty()) {
      return List.of();
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(THREADS, files.size()), runnable -> {
      Thread thread = new Thread(runnable, "nightjar-footers");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<Footer>> futures = new ArrayList<>();
      for (Path file : files) {
        futures.add(pool.submit(() -> footer(file, finite, conf)));
      }
      List<Footer> footers = new ArrayList<>();
      for (Future<Footer> future : futures) {
        footers.add(future.get());
      }
      return footers;
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

  private static Footer footer(Path file, Set<String> finite, Configuration conf) {
    try {
      HadoopInputFile input = HadoopInputFile.fromPath(file, conf);
      if (input.getLength() == 0) {
        return Footer.EMPTY; // an empty file holds no rows (Spark skips it too)
      }
      try (ParquetFileReader reader = ParquetFileReader.open(input)) {
        ParquetMetadata footer = reader.getFooter();
        return new Footer(reader.getRecordCount(), withoutDictionary(footer), notShownFinite(footer, finite));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Parquet footer of " + file + ": " + e.getMessage(), e);
    }
  }
}

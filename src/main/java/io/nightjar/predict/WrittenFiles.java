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
    return summary(files, partition, conf).counts();
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
    List<Footer> footers = footers(files, conf);
    Map<String, Counts> counts = new TreeMap<>();
    Set<String> plain = null;
    for (int k = 0; k < files.size(); k++) {
      Footer footer = footers.get(k);
      String value = partitionValue(files.get(k), partition);
      Counts old = counts.getOrDefault(value, Counts.NONE);
      counts.put(value, new Counts(old.rows() + footer.rows(), old.files() + 1));
      if (footer.rows() > 0) {
        if (plain == null) {
          plain = new HashSet<>(footer.withoutDictionary());
        } else {
          plain.retainAll(footer.withoutDictionary());
        }
      }
    }
    return new Summary(counts, plain == null ? Set.of() : Set.copyOf(plain));
  }

  /** One file's row count and the top-level columns none of whose data pages it stores with a dictionary. */
  private record Footer(long rows, Set<String> withoutDictionary) {
    static final Footer EMPTY = new Footer(0, Set.of());
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

  private static List<Footer> footers(List<Path> files, Configuration conf) {
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
        futures.add(pool.submit(() -> footer(file, conf)));
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

  private static Footer footer(Path file, Configuration conf) {
    try {
      HadoopInputFile input = HadoopInputFile.fromPath(file, conf);
      if (input.getLength() == 0) {
        return Footer.EMPTY; // an empty file holds no rows (Spark skips it too)
      }
      try (ParquetFileReader reader = ParquetFileReader.open(input)) {
        return new Footer(reader.getRecordCount(), withoutDictionary(reader.getFooter()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Parquet footer of " + file + ": " + e.getMessage(), e);
    }
  }
}

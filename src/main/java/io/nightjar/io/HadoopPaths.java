package io.nightjar.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** Small helpers over the Hadoop FileSystem API. */
public final class HadoopPaths {
  private HadoopPaths() {}

  public static Configuration conf(SparkSession spark) {
    return spark.sparkContext().hadoopConfiguration();
  }

  public static FileSystem fileSystem(Path path, Configuration conf) {
    try {
      return path.getFileSystem(conf);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the file system of " + path, e);
    }
  }

  public static boolean exists(Path path, Configuration conf) {
    try {
      return fileSystem(path, conf).exists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check whether " + path + " exists", e);
    }
  }

  /** Fully qualified form of {@code path}, so what we record and print is unambiguous. */
  public static Path qualify(Path path, Configuration conf) {
    FileSystem fs = fileSystem(path, conf);
    return fs.makeQualified(path);
  }
}

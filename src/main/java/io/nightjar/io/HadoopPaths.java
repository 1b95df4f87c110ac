package io.nightjar.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/** Small helpers over the Hadoop FileSystem API. */
public final class HadoopPaths {
  /** Spark copies settings with this prefix, without it, into its Hadoop configuration. */
  static final String SPARK_HADOOP_PREFIX = "spark.hadoop.";

  private HadoopPaths() {}

  public static Configuration conf(SparkSession spark) {
    return spark.sparkContext().hadoopConfiguration();
  }

  /**
   * The Hadoop configuration for file access without a Spark session (the job spec, read before Spark starts, and
   * {@code models list}): the Hadoop site files on the classpath, then the environment config's
   * {@code spark.hadoop.*} settings, then those spark-submit passed, each without its prefix. These are the settings
   * Spark itself would put into its Hadoop configuration, so a spec on {@code s3a://} or {@code hdfs://} is read with
   * the same endpoint and credential providers as the data.
   *
   * @param envSparkConf the environment config's Spark settings; spark-submit's win over them
   */
  public static Configuration withoutSession(Map<String, String> envSparkConf) {
    Configuration conf = new Configuration();
    envSparkConf.forEach((key, value) -> {
      if (key.startsWith(SPARK_HADOOP_PREFIX)) {
        conf.set(key.substring(SPARK_HADOOP_PREFIX.length()), value);
      }
    });
    for (Tuple2<String, String> setting : new SparkConf().getAllWithPrefix(SPARK_HADOOP_PREFIX)) {
      conf.set(setting._1(), setting._2());
    }
    return conf;
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

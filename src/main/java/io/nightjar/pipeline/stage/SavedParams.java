package io.nightjar.pipeline.stage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import scala.Option;

/**
 * A saved stage's params, read as Spark's {@code DefaultParamsReader} reads them, but on the driver: Spark reads the
 * one-line {@code metadata} file with a Spark job ({@code spark.read.text(...).first()}), and in a fresh JVM each such
 * job costs far more than reading the file. The JSON is parsed and applied by Spark's own code
 * ({@code DefaultParamsReader.parseMetadata} and {@code Metadata.getAndSetParams}), so the params, their defaults and
 * the checks on the saved class are exactly Spark's.
 */
public final class SavedParams {
  private SavedParams() {}

  /**
   * The stage saved under {@code stageDir} by a {@code DefaultParamsWriter}: the class its metadata names, built with
   * the saved uid, its saved params and defaults set, as {@code DefaultParamsReader.load} builds it.
   *
   * @param expectedClass the class the metadata must name; null to take the class it names
   * @throws IllegalArgumentException when the metadata names another class than {@code expectedClass}
   */
  public static Params load(Path stageDir, Configuration conf, String expectedClass) {
    DefaultParamsReader.Metadata metadata = metadata(stageDir, conf, expectedClass);
    Params instance;
    try {
      // The class loader Spark's Utils.classForName uses: the thread's context loader, else the one that loaded Spark.
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      instance = (Params) Class.forName(metadata.className(), true,
          loader != null ? loader : Params.class.getClassLoader())
          .getConstructor(String.class).newInstance(metadata.uid());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build the saved stage " + stageDir + " as a " + metadata.className()
          + ": " + e, e);
    }
    metadata.getAndSetParams(instance, Option.empty());
    return instance;
  }

  /**
   * The parsed metadata of the stage saved under {@code stageDir}, for readers that set params on an instance they
   * build themselves ({@link DefaultParamsReader.Metadata#getAndSetParams}).
   */
  public static DefaultParamsReader.Metadata metadata(Path stageDir, Configuration conf, String expectedClass) {
    Path dir = new Path(stageDir, "metadata");
    try {
      FileSystem fs = dir.getFileSystem(conf);
      // The part file Spark's text writer wrote; the listing's order is the file system's, so it is sorted as
      // Spark's own read would take its first line (a one-line file in one part, in practice).
      FileStatus part = Arrays.stream(fs.listStatus(dir))
          .filter(s -> s.isFile() && s.getPath().getName().startsWith("part-"))
          .min(Comparator.comparing(s -> s.getPath().getName()))
          .orElseThrow(() -> new IllegalArgumentException("the saved stage " + stageDir + " has no metadata part "
              + "file under " + dir));
      String json;
      try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(part.getPath()),
          StandardCharsets.UTF_8))) {
        json = in.readLine();
      }
      if (json == null || json.isBlank()) {
        throw new IllegalArgumentException("the metadata of the saved stage " + stageDir + " is empty: "
            + part.getPath());
      }
      return DefaultParamsReader$.MODULE$.parseMetadata(json, expectedClass == null ? "" : expectedClass);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the metadata of the saved stage " + stageDir, e);
    }
  }
}

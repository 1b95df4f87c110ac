package io.nightjar.pipeline.stage;

import io.nightjar.error.ModelException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
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
   * @throws ModelException when the metadata is missing, empty or in more than one part file
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
    String json;
    try {
      json = metadataText(stageDir.getFileSystem(conf), stageDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the metadata of the saved stage " + stageDir, e);
    }
    return DefaultParamsReader$.MODULE$.parseMetadata(json, expectedClass == null ? "" : expectedClass);
  }

  /**
   * The JSON line of the {@code metadata} file that Spark's {@code DefaultParamsWriter} wrote for the stage or
   * pipeline saved under {@code stageDir}: its one {@code part-} file. More than one is refused, since which of them a
   * reader took would then depend on the order it listed or scanned them in.
   *
   * @throws ModelException when there is no metadata, or more than one part file, or it is empty
   */
  public static String metadataText(FileSystem fs, Path stageDir) throws IOException {
    Path dir = new Path(stageDir, "metadata");
    if (!fs.exists(dir)) {
      throw new ModelException("the saved stage or pipeline " + stageDir + " has no metadata at " + dir);
    }
    List<FileStatus> parts = Arrays.stream(fs.listStatus(dir))
        .filter(s -> s.isFile() && s.getPath().getName().startsWith("part-"))
        .toList();
    if (parts.size() != 1) {
      throw new ModelException("the saved stage or pipeline " + stageDir + " has " + parts.size() + " metadata part "
          + "files under " + dir + " instead of one; it was not written by Spark's DefaultParamsWriter");
    }
    String json;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(parts.get(0).getPath()),
        StandardCharsets.UTF_8))) {
      json = in.readLine();
    }
    if (json == null || json.isBlank()) {
      throw new ModelException("the metadata of the saved stage or pipeline " + stageDir + " is empty: "
          + parts.get(0).getPath());
    }
    return json;
  }
}

package io.nightjar.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.nightjar.io.HadoopPaths;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;

/**
 * Where a predict run writes, all under the output root. Spark skips names starting with {@code _} or {@code .} when
 * it reads the root, so readers of the scores never see the rest.
 *
 * <pre>
 * &lt;output&gt;/ds=D/part-*.parquet          the scores
 * &lt;output&gt;/ds=D/_NIGHTJAR_SUCCESS        completion marker, written last; absent while a run is unfinished
 * &lt;output&gt;/_rejected/ds=D/part-*.parquet rows that could not be scored, with reject_reason
 * &lt;output&gt;/_runs/&lt;runId&gt;.json           the run report
 * &lt;output&gt;/_locks/ds=D.lock             held while a run writes date D
 * &lt;output&gt;/_staging/&lt;runId&gt;/ds=D/...      scores being written; moved into place once checked
 * </pre>
 */
public final class OutputLayout {
  public static final String MARKER = "_NIGHTJAR_SUCCESS";
  public static final String REJECTED = "_rejected";
  public static final String RUNS = "_runs";
  public static final String STAGING = "_staging";
  /** Staging directories older than this are leftovers of killed runs. */
  static final long STALE_STAGING_MILLIS = 24L * 3600 * 1000;

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path root;
  private final String partition;
  private final FileSystem fs;

  public OutputLayout(String outputPath, String partition, Configuration conf) {
    Path path = new Path(outputPath);
    this.fs = HadoopPaths.fileSystem(path, conf);
    this.root = fs.makeQualified(path);
    this.partition = partition;
  }

  public Path root() {
    return root;
  }

  public Path rejectedRoot() {
    return new Path(root, REJECTED);
  }

  public Path partitionDir(String value) {
    return new Path(root, partition + "=" + value);
  }

  public Path rejectedDir(String value) {
    return new Path(rejectedRoot(), partition + "=" + value);
  }

  public Path marker(String value) {
    return new Path(partitionDir(value), MARKER);
  }

  /** Where run {@code runId} writes its scores before they are checked and moved into place. */
  public Path staging(String runId) {
    return new Path(new Path(root, STAGING), runId);
  }

  /**
   * Moves the checked scores of each date from {@code staging} into place: the date's old directory goes, the staged
   * one is renamed over it (an empty directory when the date has no scores). This is what Spark's dynamic partition
   * overwrite does at commit; each rename is atomic on local disks and HDFS. The caller holds the dates' locks.
   */
  public void publish(Path staging, List<String> values) {
    try {
      fs.mkdirs(root);
      for (String value : values) {
        Path staged = new Path(staging, partition + "=" + value);
        Path target = partitionDir(value);
        fs.delete(target, true);
        if (fs.exists(staged)) {
          if (!fs.rename(staged, target)) {
            throw new IOException("rename of " + staged + " to " + target + " failed");
          }
        } else {
          fs.mkdirs(target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move the scores staged under " + staging + " into place; rerun the "
          + "dates " + values, e);
    }
  }

  /** Removes a staging directory, quietly: used on the way out, whether the run succeeded or not. */
  public void removeStaging(Path staging) {
    try {
      fs.delete(staging, true);
      Path parent = staging.getParent();
      FileStatus[] left = fs.exists(parent) ? fs.listStatus(parent) : new FileStatus[0];
      if (left.length == 0) {
        fs.delete(parent, false);
      }
    } catch (IOException e) {
      // A leftover under _staging is invisible to readers and removed by a later run once stale.
    }
  }

  public Path report(String runId) {
    return new Path(new Path(root, RUNS), runId + ".json");
  }

  /**
   * What {@link #prepare} did: the dates whose completion markers it withdrew (a rerun of a finished date, which is
   * expected), and the leftovers of killed runs it removed (worth a warning).
   */
  public record Prepared(List<String> withdrawnMarkers, List<String> leftovers) {
    /** Logs it to {@code log}: withdrawn markers as news, leftovers of killed runs as a warning. */
    public void logTo(Logger log) {
      if (!withdrawnMarkers.isEmpty()) {
        log.info("rerun: withdrew the completion markers of {} until this run publishes them again",
            withdrawnMarkers);
      }
      if (!leftovers.isEmpty()) {
        log.warn("removed what an earlier, unfinished run left: {}", leftovers);
      }
    }
  }

  /**
   * Prepares the dates this run owns (the caller holds their locks): their old markers go first, so no marker ever
   * vouches for a date whose rewrite is under way; then what killed runs left behind (Spark's staging directories,
   * and Nightjar's own staging directories once a day old).
   */
  public Prepared prepare(List<String> values) {
    List<String> withdrawn = new ArrayList<>();
    List<String> leftovers = new ArrayList<>();
    try {
      for (String value : values) {
        if (fs.delete(marker(value), false)) {
          withdrawn.add(value);
        }
      }
      Path stagingRoot = new Path(root, STAGING);
      if (fs.exists(stagingRoot)) {
        // Other live runs (on other dates) may be staging here: only what is a day old goes.
        long now = System.currentTimeMillis();
        for (FileStatus status : fs.listStatus(stagingRoot)) {
          if (now - status.getModificationTime() > STALE_STAGING_MILLIS) {
            fs.delete(status.getPath(), true);
            leftovers.add(status.getPath().toString());
          }
        }
      }
      for (Path dir : List.of(root, rejectedRoot())) {
        if (!fs.exists(dir)) {
          continue;
        }
        for (FileStatus status : fs.listStatus(dir)) {
          String name = status.getPath().getName();
          if (name.startsWith(".spark-staging-") || name.equals("_temporary")) {
            fs.delete(status.getPath(), true);
            leftovers.add(status.getPath().toString());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the output under " + root, e);
    }
    return new Prepared(List.copyOf(withdrawn), List.copyOf(leftovers));
  }

  /** Removes the output of dates that now have no rows, leaving an empty directory for the marker. */
  public void clearPartitions(List<String> values, boolean scoresToo) {
    try {
      for (String value : values) {
        fs.delete(rejectedDir(value), true);
        if (scoresToo) {
          fs.delete(partitionDir(value), true);
          fs.mkdirs(partitionDir(value));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear old output under " + root, e);
    }
  }

  public void writeReport(RunReport report) {
    writeJson(report(report.runId()), report);
  }

  public void writeMarker(String value, Map<String, Object> content) {
    writeJson(marker(value), content);
  }

  private void writeJson(Path file, Object value) {
    try (OutputStream out = fs.create(file, true)) {
      JSON.writeValue(out, value);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}

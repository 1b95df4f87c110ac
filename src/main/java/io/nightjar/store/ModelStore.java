package io.nightjar.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.nightjar.error.ModelException;
import io.nightjar.io.HadoopPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * A model store root on any Hadoop file system.
 *
 * <pre>
 * &lt;root&gt;/&lt;version&gt;/pipeline/       the PipelineModel, written by write().save()
 * &lt;root&gt;/&lt;version&gt;/manifest.json  how the version was made
 * &lt;root&gt;/CURRENT                 the version predict uses, switched only once a version is complete
 * &lt;root&gt;/_staging/               versions being written; never read by predict
 * </pre>
 */
public final class ModelStore {
  public static final String CURRENT = "CURRENT";
  public static final String MANIFEST = "manifest.json";
  public static final String PIPELINE = "pipeline";
  static final String STAGING = "_staging";

  private static final DateTimeFormatter VERSION_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private final Path root;
  private final FileSystem fs;
  private final Configuration conf;

  private ModelStore(Path root, Configuration conf) {
    this.fs = HadoopPaths.fileSystem(root, conf);
    this.root = fs.makeQualified(root);
    this.conf = conf;
  }

  public static ModelStore open(String root, Configuration conf) {
    return new ModelStore(new Path(root), conf);
  }

  public Path root() {
    return root;
  }

  /** A new version id: UTC time to the millisecond, so versions sort by time, and a random suffix for uniqueness. */
  public static String newVersion(Instant now) {
    byte[] suffix = new byte[2];
    RANDOM.nextBytes(suffix);
    return VERSION_TIME.format(now) + "-" + HexFormat.of().formatHex(suffix);
  }

  public Path stagingDir(String version) {
    return new Path(new Path(root, STAGING), version);
  }

  public Path versionDir(String version) {
    return new Path(root, version);
  }

  public Path pipelineDir(String version) {
    return new Path(versionDir(version), PIPELINE);
  }

  /** Writes a manifest into a staged version. */
  public void writeManifest(Path versionDir, Manifest manifest) {
    try (OutputStream out = fs.create(new Path(versionDir, MANIFEST), false)) {
      JSON.writeValue(out, manifest);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the manifest into " + versionDir, e);
    }
  }

  /** Moves a completely written staged version to its final place; fails rather than replace an existing one. */
  public void commit(String version) {
    Path target = versionDir(version);
    try {
      if (fs.exists(target)) {
        throw new ModelException("model version " + version + " already exists in " + root + "; versions are never "
            + "overwritten");
      }
      if (!fs.rename(stagingDir(version), target)) {
        throw new IOException("rename returned false");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + stagingDir(version) + " to " + target, e);
    }
  }

  /** Removes what a failed save left in staging; never fails the caller, which is already failing. */
  public void discardStaging(String version) {
    try {
      fs.delete(stagingDir(version), true);
    } catch (IOException | RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(ModelStore.class)
          .warn("could not remove the partial model version at {}", stagingDir(version), e);
    }
  }

  /** Points CURRENT at {@code version}, atomically where the file system renames atomically (local, HDFS). */
  public void setCurrent(String version) {
    requireVersion(version);
    Path temp = new Path(new Path(root, STAGING), CURRENT + "-" + version);
    try {
      try (OutputStream out = fs.create(temp, true)) {
        out.write((version + "\n").getBytes(StandardCharsets.UTF_8));
      }
      FileContext.getFileContext(root.toUri(), conf).rename(temp, new Path(root, CURRENT), Options.Rename.OVERWRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot point " + new Path(root, CURRENT) + " at " + version, e);
    }
  }

  /** The version CURRENT names, or empty when nothing was published yet. */
  public Optional<String> current() {
    Path file = new Path(root, CURRENT);
    try {
      if (!fs.exists(file)) {
        return Optional.empty();
      }
      try (InputStream in = fs.open(file)) {
        String version = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        if (version.isEmpty()) {
          throw new ModelException(file + " is empty; point it at a version with 'models list' and a new train run");
        }
        return Optional.of(version);
      }
    } catch (IOException e) {
      throw new ModelException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Every complete version, oldest first. */
  public List<String> versions() {
    List<String> versions = new ArrayList<>();
    try {
      if (!fs.exists(root)) {
        return versions;
      }
      for (FileStatus status : fs.listStatus(root)) {
        String name = status.getPath().getName();
        if (status.isDirectory() && !name.startsWith("_") && !name.startsWith(".")
            && fs.exists(new Path(status.getPath(), MANIFEST))) {
          versions.add(name);
        }
      }
    } catch (IOException e) {
      throw new ModelException("cannot list the model store " + root + ": " + e.getMessage(), e);
    }
    versions.sort(null);
    return versions;
  }

  /** The version to use: {@code requested} if given, else CURRENT; fails with what to do when there is none. */
  public String resolve(Optional<String> requested) {
    if (requested.isPresent()) {
      requireVersion(requested.get());
      return requested.get();
    }
    String version = current().orElseThrow(() -> new ModelException(String.format(
        "no current model in %s (no %s file); train one first with 'scripts/nightjar train --job ...'",
        root, CURRENT)));
    requireVersion(version);
    return version;
  }

  public Manifest manifest(String version) {
    Path file = new Path(versionDir(version), MANIFEST);
    try (InputStream in = fs.open(file)) {
      return JSON.readValue(in, Manifest.class);
    } catch (IOException e) {
      throw new ModelException("cannot read the manifest " + file + ": " + e.getMessage(), e);
    }
  }

  private void requireVersion(String version) {
    try {
      if (!version.matches("[A-Za-z0-9][A-Za-z0-9._-]*") || !fs.exists(new Path(versionDir(version), MANIFEST))) {
        List<String> known = versions();
        throw new ModelException(String.format("model version '%s' is not in %s; versions there: %s", version, root,
            known.isEmpty() ? "none" : String.join(", ", known)));
      }
    } catch (IOException e) {
      throw new ModelException("cannot read the model store " + root + ": " + e.getMessage(), e);
    }
  }
}

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
 * &lt;root&gt;/_history/               every move of CURRENT (publish, promote, rollback), for rollback
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

  /**
   * Writes a manifest into a staged version, with the digests of the pipeline files already there, and signs it when
   * a signing key is given.
   */
  public Manifest writeManifest(Path versionDir, Manifest manifest, Optional<ManifestSignature> signer) {
    Manifest complete = manifest.withFiles(ModelDigests.of(fs, new Path(versionDir, PIPELINE)));
    try {
      byte[] bytes = JSON.writeValueAsBytes(complete);
      try (OutputStream out = fs.create(new Path(versionDir, MANIFEST), false)) {
        out.write(bytes);
      }
      if (signer.isPresent()) {
        try (OutputStream out = fs.create(new Path(versionDir, ManifestSignature.SIGNATURE_FILE), false)) {
          out.write(signer.get().sign(bytes).getBytes(StandardCharsets.US_ASCII));
        }
      }
      return complete;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the manifest into " + versionDir, e);
    }
  }

  FileSystem fileSystem() {
    return fs;
  }

  /** The manifest's bytes as stored, for signature checks. */
  byte[] manifestBytes(String version) {
    Path file = new Path(versionDir(version), MANIFEST);
    try (InputStream in = fs.open(file)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new ModelException("cannot read the manifest " + file + ": " + e.getMessage(), e);
    }
  }

  /** The signature stored beside a version's manifest, or empty when it is unsigned. */
  Optional<String> signature(String version) {
    Path file = new Path(versionDir(version), ManifestSignature.SIGNATURE_FILE);
    try {
      if (!fs.exists(file)) {
        return Optional.empty();
      }
      try (InputStream in = fs.open(file)) {
        return Optional.of(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
      }
    } catch (IOException e) {
      throw new ModelException("cannot read the signature " + file + ": " + e.getMessage(), e);
    }
  }

  static Manifest parse(byte[] bytes, String where) {
    try {
      return JSON.readValue(bytes, Manifest.class);
    } catch (IOException e) {
      throw new ModelException("cannot read the manifest " + where + ": " + e.getMessage(), e);
    }
  }

  /**
   * Deletes the oldest versions beyond {@code keep}, never CURRENT, the version just before it, nor the version
   * published before CURRENT (the rollback target). Returns the versions deleted.
   */
  public List<String> prune(int keep) {
    List<String> versions = versions();
    if (keep <= 0 || versions.size() <= keep) {
      return List.of();
    }
    Optional<String> current = current();
    int currentIndex = current.map(versions::indexOf).orElse(-1);
    Optional<String> rollbackTarget = current.flatMap(this::previousPublished);
    List<String> deleted = new ArrayList<>();
    int excess = versions.size() - keep;
    for (int k = 0; k < versions.size() && deleted.size() < excess; k++) {
      if (k == currentIndex || k == currentIndex - 1 || rollbackTarget.filter(versions.get(k)::equals).isPresent()) {
        continue;
      }
      try {
        fs.delete(versionDir(versions.get(k)), true);
        deleted.add(versions.get(k));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete old model version " + versionDir(versions.get(k)), e);
      }
    }
    return deleted;
  }

  /**
   * Removes staged versions a killed train left behind: those whose owner is a dead process on this host, or that are
   * older than {@code maxAge}. A train still writing elsewhere keeps its staging.
   */
  public List<String> cleanAbandonedStaging(java.time.Duration maxAge) {
    List<String> removed = new ArrayList<>();
    Path staging = new Path(root, STAGING);
    try {
      if (!fs.exists(staging)) {
        return removed;
      }
      long now = System.currentTimeMillis();
      java.util.Set<String> staged = new java.util.TreeSet<>();
      for (FileStatus status : fs.listStatus(staging)) {
        String name = status.getPath().getName();
        if (status.isDirectory()) {
          staged.add(name);
        } else if (name.endsWith(".owner") && !name.startsWith(".")) {
          staged.add(name.substring(0, name.length() - ".owner".length()));
        } else if (name.endsWith(".owner.tmp") && now - status.getModificationTime() > maxAge.toMillis()) {
          fs.delete(status.getPath(), false);
        }
      }
      // A run killed between claiming and writing leaves only its owner file: judged the same way.
      for (String version : staged) {
        Optional<io.nightjar.run.LockHolder> owner = readOwner(version);
        Path dir = stagingDir(version);
        long modified = fs.exists(dir) ? fs.getFileStatus(dir).getModificationTime()
            : fs.getFileStatus(ownerFile(version)).getModificationTime();
        boolean abandoned = owner.map(io.nightjar.run.LockHolder::provablyGone).orElse(false)
            || now - modified > maxAge.toMillis();
        if (abandoned) {
          fs.delete(dir, true);
          fs.delete(ownerFile(version), false);
          removed.add(version);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean " + staging, e);
    }
    return removed;
  }

  /** Records which process writes a staged version, so a later run can tell an abandoned one. */
  public void claimStaging(String version, io.nightjar.run.LockHolder owner) {
    // Written aside and renamed, so an owner file is never seen half-written, even by a run that was killed.
    Path temp = new Path(new Path(root, STAGING), version + ".owner.tmp");
    try {
      try (OutputStream out = fs.create(temp, false)) {
        JSON.writeValue(out, owner);
      }
      if (!fs.rename(temp, ownerFile(version))) {
        throw new IOException("rename returned false");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + ownerFile(version), e);
    }
  }

  private Path ownerFile(String version) {
    return new Path(new Path(root, STAGING), version + ".owner");
  }

  private Optional<io.nightjar.run.LockHolder> readOwner(String version) {
    try (InputStream in = fs.open(ownerFile(version))) {
      return Optional.of(JSON.readValue(in, io.nightjar.run.LockHolder.class));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
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
      fs.delete(ownerFile(version), false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + stagingDir(version) + " to " + target, e);
    }
  }

  /** Removes what a failed save left in staging; never fails the caller, which is already failing. */
  public void discardStaging(String version) {
    try {
      fs.delete(stagingDir(version), true);
      fs.delete(ownerFile(version), false);
    } catch (IOException | RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(ModelStore.class)
          .warn("could not remove the partial model version at {}", stagingDir(version), e);
    }
  }

  /**
   * Points CURRENT at {@code version} and records the move, so {@link #rollback} can undo it.
   *
   * @param action publish (train), force (train past the quality gate), promote or rollback (by hand)
   * @param note why, in words, kept in the history
   */
  public void publish(String version, String action, String note) {
    Optional<String> before = current();
    setCurrent(version);
    history().record(new PublishHistory.Move(System.currentTimeMillis(), action, version, before.orElse(null), note));
  }

  /** Points CURRENT back at the version published before it; returns that version. */
  public String rollback(String note) {
    String current = current().orElseThrow(() -> new ModelException(
        "no CURRENT in " + root + " to roll back from; promote a version with 'models promote --version V'"));
    String target = previousPublished(current).orElseThrow(() -> new ModelException(String.format(
        "the publish history of %s names no version before CURRENT %s, so there is nothing to roll back to; pick one "
            + "from 'models list' and run 'models promote --version V'", root, current)));
    requireVersion(target);
    publish(target, "rollback", note);
    return target;
  }

  /** The version published before {@code version}, from the history; empty if none is known or it was deleted. */
  public Optional<String> previousPublished(String version) {
    return history().before(version);
  }

  private PublishHistory history() {
    return new PublishHistory(fs, root);
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
    return parse(manifestBytes(version), new Path(versionDir(version), MANIFEST).toString());
  }

  void requireVersion(String version) {
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

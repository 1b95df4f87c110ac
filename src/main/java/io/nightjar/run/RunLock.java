package io.nightjar.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightjar.error.ExitCode;
import io.nightjar.error.NightjarException;
import io.nightjar.io.HadoopPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exclusive locks on output partitions, one file per partition under {@code <output>/_locks/}. Taking a lock is
 * atomic: an exclusive create on HDFS and on local disks. The holder refreshes its locks' modification time every
 * {@link #HEARTBEAT}; a lock is stale when its holder is a dead process on this host, or when it has not been
 * refreshed for {@link #STALE_AFTER} (a holder on another host that died). A stale lock is taken over by moving it
 * aside first, so two runs can never both take it over.
 */
public final class RunLock implements AutoCloseable {
  static final String LOCK_DIR = "_locks";
  static final Duration HEARTBEAT = Duration.ofSeconds(30);
  static final Duration STALE_AFTER = Duration.ofMinutes(10);

  private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final List<Path> held;
  private final LockHolder holder;
  private final ScheduledExecutorService heartbeat;

  private RunLock(FileSystem fs, List<Path> held, LockHolder holder) {
    this.fs = fs;
    this.held = held;
    this.holder = holder;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "nightjar-lock-heartbeat");
      thread.setDaemon(true);
      return thread;
    });
    heartbeat.scheduleAtFixedRate(this::touch, HEARTBEAT.toSeconds(), HEARTBEAT.toSeconds(), TimeUnit.SECONDS);
  }

  /**
   * Locks every partition in {@code partitionValues} (sorted, so concurrent runs never deadlock), or none: when one is
   * held by a live run, releases what it took and fails naming that run.
   */
  public static RunLock acquire(Path outputRoot, String partition, List<String> partitionValues, String runId,
      Configuration conf) {
    FileSystem fs = HadoopPaths.fileSystem(outputRoot, conf);
    LockHolder holder = LockHolder.thisProcess(runId);
    List<Path> taken = new ArrayList<>();
    try {
      for (String value : partitionValues.stream().sorted().distinct().toList()) {
        Path lock = new Path(new Path(outputRoot, LOCK_DIR), partition + "=" + value + ".lock");
        take(fs, lock, holder);
        taken.add(lock);
      }
    } catch (RuntimeException e) {
      release(fs, taken);
      throw e;
    }
    return new RunLock(fs, taken, holder);
  }

  private static void take(FileSystem fs, Path lock, LockHolder holder) {
    try {
      if (createExclusive(fs, lock, holder)) {
        return;
      }
      LockHolder current = read(fs, lock);
      long ageMillis = System.currentTimeMillis() - fs.getFileStatus(lock).getModificationTime();
      boolean stale = current == null
          || current.provablyGone()
          || ageMillis > STALE_AFTER.toMillis();
      if (!stale) {
        throw new NightjarException(ExitCode.LOCKED, String.format("another run is writing %s: the lock %s is held by %s; wait for it to finish, or remove "
                + "the lock file if that run is certainly dead", lock.getName().replace(".lock", ""), lock,
                current.describe()));
      }
      LOG.warn("taking over the stale lock {} of {}", lock, current == null ? "an unreadable holder"
          : current.describe());
      // Moving the stale lock aside is atomic: of two runs taking it over, only one can move it.
      Path aside = new Path(lock.getParent(), lock.getName() + ".stale-" + holder.runId());
      if (!fs.rename(lock, aside)) {
        throw new NightjarException(ExitCode.LOCKED, "another run took over the stale lock " + lock + " first");
      }
      fs.delete(aside, false);
      if (!createExclusive(fs, lock, holder)) {
        throw new NightjarException(ExitCode.LOCKED, "another run took the lock " + lock + " first");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot take the lock " + lock, e);
    }
  }

  /** Creates the lock file only if it does not exist, atomically; false if it exists. */
  private static boolean createExclusive(FileSystem fs, Path lock, LockHolder holder) throws IOException {
    byte[] content = JSON.writeValueAsBytes(holder);
    fs.mkdirs(lock.getParent());
    if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
      // Hadoop's local create(overwrite=false) checks and creates in two steps; the JDK's createFile is atomic.
      java.nio.file.Path file = java.nio.file.Path.of(fs.makeQualified(lock).toUri());
      try {
        Files.write(Files.createFile(file), content);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (OutputStream out = fs.create(lock, false)) {
      out.write(content);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }

  private static LockHolder read(FileSystem fs, Path lock) {
    try (InputStream in = fs.open(lock)) {
      return JSON.readValue(in, LockHolder.class);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  public LockHolder holder() {
    return holder;
  }

  /**
   * Fails unless every lock still names this run: called before anything is published, so a run whose lock was
   * taken over (it stalled for longer than {@link #STALE_AFTER}) never overwrites the newer run's output.
   */
  public void verifyHeld() {
    for (Path lock : held) {
      LockHolder current = read(fs, lock);
      if (current == null || !holder.runId().equals(current.runId())) {
        throw new IllegalStateException("lost the lock " + lock + " to "
            + (current == null ? "nobody (it was removed)" : current.describe()) + "; nothing was published");
      }
    }
  }

  private void touch() {
    long now = System.currentTimeMillis();
    for (Path lock : held) {
      try {
        fs.setTimes(lock, now, -1);
      } catch (IOException | RuntimeException e) {
        LOG.warn("could not refresh the lock {}", lock, e);
      }
    }
  }

  @Override
  public void close() {
    heartbeat.shutdownNow();
    release(fs, held);
  }

  private static void release(FileSystem fs, List<Path> locks) {
    for (Path lock : locks) {
      try {
        fs.delete(lock, false);
      } catch (IOException | RuntimeException e) {
        LOG.warn("could not release the lock {}", lock, e);
      }
    }
  }
}

package io.nightjar.store;

import io.nightjar.error.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/** SHA-256 of every file under a saved pipeline, keyed by path relative to the pipeline directory. */
public final class ModelDigests {
  private ModelDigests() {}

  public static Map<String, String> of(FileSystem fileSystem, Path dir) {
    Map<String, String> digests = new TreeMap<>();
    FileSystem fs = raw(fileSystem);
    try {
      Path root = fs.makeQualified(dir);
      String prefix = root.toUri().getPath();
      for (Path file : filesUnder(fs, root)) {
        String relative = file.toUri().getPath().substring(prefix.length() + 1);
        digests.put(relative, sha256(fs, file));
      }
    } catch (IOException e) {
      throw new ModelException("cannot read the saved pipeline under " + dir + ": " + e.getMessage(), e);
    }
    return digests;
  }

  /**
   * Every file under {@code dir} but checksum files, by plain listings. Not {@code listFiles}: its located statuses
   * copy each file's owner and permissions, which the local file system reads by starting a process per file.
   */
  private static List<Path> filesUnder(FileSystem fs, Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    Deque<Path> dirs = new ArrayDeque<>(List.of(dir));
    while (!dirs.isEmpty()) {
      for (FileStatus status : fs.listStatus(dirs.pop())) {
        if (status.isDirectory()) {
          dirs.push(status.getPath());
        } else if (!isChecksumFile(status.getPath())) {
          files.add(status.getPath());
        }
      }
    }
    return files;
  }

  /** Hadoop's local checksum files, which a copy to another file system drops: the data files are what count. */
  private static boolean isChecksumFile(Path file) {
    return file.getName().startsWith(".") && file.getName().endsWith(".crc");
  }

  /**
   * The file system underneath Hadoop's client-side checksums: digests cover the bytes as stored, and a tampered
   * file is reported as changed rather than failing its checksum read.
   */
  static FileSystem raw(FileSystem fs) {
    return fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
  }

  static String sha256(FileSystem fs, Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM lacks SHA-256", e);
    }
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = fs.open(file)) {
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        digest.update(buffer, 0, read);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}

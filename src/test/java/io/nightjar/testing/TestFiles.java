package io.nightjar.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** File-tree helpers for tests that set up or tamper with directories. */
public final class TestFiles {
  private TestFiles() {}

  /** The project checkout, as failsafe passes it (the working directory otherwise). */
  public static Path projectDir() {
    return Path.of(System.getProperty("nightjar.project.dir", ".")).toAbsolutePath();
  }

  public static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  public static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(path);
      }
    }
  }

  /**
   * A working copy of the product as a user has it: the sample data, jobs, conf and scripts, with {@code target/}
   * linked to the build's own so the launcher finds the packaged jar.
   */
  public static void workingCopy(Path work) throws IOException {
    Path project = projectDir();
    for (String dir : List.of("data", "jobs", "conf", "scripts")) {
      copyTree(project.resolve(dir), work.resolve(dir));
    }
    Files.createSymbolicLink(work.resolve("target"), project.resolve("target"));
  }
}

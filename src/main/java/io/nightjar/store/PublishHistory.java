package io.nightjar.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Every move of CURRENT, one small file per move under {@code <store>/_history/}, named so they sort by time. Files
 * are created once and never rewritten, which is safe on every Hadoop file system (no appends).
 *
 * <p>Rollback needs this: the version before CURRENT in time may be one the quality gate refused, so "the previous
 * version" means the one published before CURRENT. Replaying the moves gives a stack: a publish or promote pushes a
 * version, a rollback pops one.
 */
final class PublishHistory {
  static final String DIR = "_history";
  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * One move of CURRENT.
   *
   * @param at epoch milliseconds
   * @param action {@code publish} (by train), {@code promote} or {@code rollback} (by hand), {@code force} (train
   *     with --force past the quality gate)
   * @param version the version CURRENT moved to
   * @param from the version CURRENT named before, or null
   * @param note why, in words
   */
  record Move(long at, String action, String version, String from, String note) {}

  private final FileSystem fs;
  private final Path dir;

  PublishHistory(FileSystem fs, Path root) {
    this.fs = fs;
    this.dir = new Path(root, DIR);
  }

  void record(Move move) {
    String name = String.format("%013d-%s-%s.json", move.at(), move.action(), move.version());
    try (OutputStream out = fs.create(new Path(dir, name), false)) {
      out.write(JSON.writeValueAsBytes(move));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record the move of CURRENT in " + dir, e);
    }
  }

  /** Every move, oldest first. */
  List<Move> moves() {
    List<Move> moves = new ArrayList<>();
    try {
      if (!fs.exists(dir)) {
        return moves;
      }
      List<Path> files = new ArrayList<>();
      for (FileStatus status : fs.listStatus(dir)) {
        if (status.getPath().getName().endsWith(".json")) {
          files.add(status.getPath());
        }
      }
      files.sort(null);
      for (Path file : files) {
        try (InputStream in = fs.open(file)) {
          moves.add(JSON.readValue(in, Move.class));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the publish history in " + dir, e);
    }
    return moves;
  }

  /** The published versions as a stack, CURRENT last: publishes and promotes push, rollbacks pop. */
  List<String> publishedStack() {
    Deque<String> stack = new ArrayDeque<>();
    for (Move move : moves()) {
      if ("rollback".equals(move.action())) {
        if (!stack.isEmpty()) {
          stack.removeLast();
        }
        if (stack.isEmpty() || !stack.peekLast().equals(move.version())) {
          stack.addLast(move.version());
        }
      } else {
        stack.addLast(move.version());
      }
    }
    return new ArrayList<>(stack);
  }

  /** The version published before {@code current}, if the history knows one. */
  Optional<String> before(String current) {
    List<String> stack = publishedStack();
    for (int i = stack.size() - 1; i > 0; i--) {
      if (stack.get(i).equals(current)) {
        for (int j = i - 1; j >= 0; j--) {
          if (!stack.get(j).equals(current)) {
            return Optional.of(stack.get(j));
          }
        }
      }
    }
    return Optional.empty();
  }
}

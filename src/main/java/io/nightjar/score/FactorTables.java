package io.nightjar.score;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The lookup tables of an ALS model's compiled scorer ({@link FactorScorer}) as bytes, saved beside the model so that
 * predict can score before the pipeline has loaded. The layout: a magic number and {@link #FORMAT}; the global mean,
 * the rank and whether cold-start cases are counted; then for users and for items the id column, the number of rows
 * and each row (the id as the indexer reads it, a flags byte, the bias when present, the factors when present, as
 * their count and floats). Each row holds what the scorer's lookup table holds: key, bias or null, seen, and
 * {@code rank} factors or nulls.
 */
final class FactorTables {
  /** The layout of the bytes; another value is refused with the number this release reads. */
  static final int FORMAT = 1;
  private static final int MAGIC = 0x4e4a4654;
  private static final int HAS_BIAS = 1;
  private static final int SEEN = 2;
  private static final int HAS_FACTORS = 4;

  /** One side's table: the batch column its ids are in, and its rows. */
  record Table(String idColumn, List<Row> rows) {}

  /** Everything the scorer computes with. */
  record Decoded(double mean, int rank, boolean coldStart, Table users, Table items) {}

  private FactorTables() {}

  static byte[] encode(double mean, int rank, boolean coldStart, Table users, Table items) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      out.writeDouble(mean);
      out.writeInt(rank);
      out.writeBoolean(coldStart);
      for (Table table : List.of(users, items)) {
        writeString(out, table.idColumn());
        out.writeInt(table.rows().size());
        for (Row row : table.rows()) {
          writeRow(out, row, rank);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the ALS lookup tables", e);
    }
    return bytes.toByteArray();
  }

  /**
   * The tables {@link #encode} wrote.
   *
   * @throws IllegalArgumentException naming what is malformed: not these tables, another format, truncated
   */
  static Decoded decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (bytes.length < 8 || in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not a file of ALS lookup tables");
      }
      int format = in.readInt();
      if (format != FORMAT) {
        throw new IllegalArgumentException("tables of format " + format + ", this release reads " + FORMAT);
      }
      double mean = in.readDouble();
      int rank = in.readInt();
      if (rank < 1 || rank > FactorScorer.MAX_RANK) {
        throw new IllegalArgumentException("rank " + rank + " is not between 1 and " + FactorScorer.MAX_RANK);
      }
      boolean coldStart = in.readBoolean();
      Table users = readTable(in, rank, "users");
      Table items = readTable(in, rank, "items");
      if (in.read() != -1) {
        throw new IllegalArgumentException("bytes after the item table");
      }
      return new Decoded(mean, rank, coldStart, users, items);
    } catch (EOFException e) {
      throw new IllegalArgumentException("the tables end early", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode the ALS lookup tables", e);
    }
  }

  /** SHA-256 of {@code bytes}, as lower-case hex. */
  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM lacks SHA-256", e);
    }
  }

  private static void writeRow(DataOutputStream out, Row row, int rank) throws IOException {
    writeString(out, row.getString(0));
    int factors = 0;
    while (factors < rank && !row.isNullAt(3 + factors)) {
      factors++;
    }
    for (int k = factors; k < rank; k++) {
      if (!row.isNullAt(3 + k)) {
        throw new IllegalArgumentException("id '" + row.getString(0) + "' has factor " + k + " after a missing one");
      }
    }
    int flags = (row.isNullAt(1) ? 0 : HAS_BIAS) | (row.getBoolean(2) ? SEEN : 0) | (factors > 0 ? HAS_FACTORS : 0);
    out.writeByte(flags);
    if (!row.isNullAt(1)) {
      out.writeDouble(row.getDouble(1));
    }
    if (factors > 0) {
      out.writeInt(factors);
      for (int k = 0; k < factors; k++) {
        out.writeFloat(row.getFloat(3 + k));
      }
    }
  }

  private static Table readTable(DataInputStream in, int rank, String side) throws IOException {
    String idColumn = readString(in);
    int size = in.readInt();
    if (size < 0 || size > FactorScorer.MAX_COLLECTED_IDS) {
      throw new IllegalArgumentException(side + ": " + size + " rows, not between 0 and "
          + FactorScorer.MAX_COLLECTED_IDS);
    }
    List<Row> rows = new ArrayList<>(size);
    for (int r = 0; r < size; r++) {
      Object[] values = new Object[3 + rank];
      values[0] = readString(in);
      int flags = in.readUnsignedByte();
      if ((flags & ~(HAS_BIAS | SEEN | HAS_FACTORS)) != 0) {
        throw new IllegalArgumentException(side + ", row " + r + ": unknown flags " + flags);
      }
      values[1] = (flags & HAS_BIAS) != 0 ? in.readDouble() : null;
      values[2] = (flags & SEEN) != 0;
      if ((flags & HAS_FACTORS) != 0) {
        int factors = in.readInt();
        if (factors < 1 || factors > rank) {
          throw new IllegalArgumentException(side + ", row " + r + ": " + factors + " factors for rank " + rank);
        }
        for (int k = 0; k < factors; k++) {
          values[3 + k] = in.readFloat();
        }
      }
      rows.add(RowFactory.create(values));
    }
    return new Table(idColumn, rows);
  }

  /** Length-prefixed UTF-8: ids can be longer than {@link DataOutputStream#writeUTF} allows. */
  private static void writeString(DataOutputStream out, String value) throws IOException {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IllegalArgumentException("a string of " + length + " bytes where " + in.available() + " are left");
    }
    return new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }
}

package org.pghardstorage.core.restore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.manifest.FileType;

/**
 * What a golden repository holds, as {@code expected.txt} beside it says: per backup every path a
 * restore writes (type, mode, time, size, SHA-256, or link target), and per WAL file its size and
 * SHA-256, plus WAL files whose absence the repository knows. Written by {@link
 * GoldenRepositoryWriter} from the fixture it stored, read by {@link GoldenRepositoryTest}; never
 * derived from reading the repository, so a reader that drifts cannot move it.
 *
 * <p>Lines are tab-separated; {@code #} starts a comment:
 *
 * <pre>
 * segment_size  &lt;bytes&gt;
 * backup        &lt;backup id&gt;                      (the entries below belong to it)
 * file          &lt;root&gt; &lt;path&gt; &lt;mode&gt; &lt;mtime|-&gt; &lt;size&gt; &lt;sha-256&gt;
 * dir           &lt;root&gt; &lt;path&gt; &lt;mode&gt; &lt;mtime&gt;
 * symlink       &lt;root&gt; &lt;path&gt; &lt;target&gt;
 * wal           &lt;file name&gt; complete|partial|history &lt;size&gt; &lt;sha-256&gt;
 * absent        &lt;file name&gt;
 * </pre>
 *
 * <p>{@code root} is {@code data} (the data directory) or a tablespace oid (that tablespace's
 * directory); modes are octal; a target {@code tablespace:<oid>} means the directory the restore
 * was asked to put that tablespace in.
 */
record GoldenListing(
    int segmentSize, Map<BackupId, List<Entry>> backups, List<WalFile> wal, List<String> absent) {
  static final String DATA = "data";
  static final String TABLESPACE_TARGET = "tablespace:";

  /** Number of fields per line kind. */
  private static final Map<String, Integer> FIELDS =
      Map.of(
          "segment_size", 2, "backup", 2, "file", 7, "dir", 5, "symlink", 4, "wal", 5, "absent", 2);

  /**
   * One path of a restored backup.
   *
   * @param mtime {@code null} where the restore, not the backup, decides it
   * @param target the link target of a symlink, else {@code null}
   */
  record Entry(
      FileType type,
      String root,
      String path,
      int mode,
      Instant mtime,
      long size,
      String sha256,
      String target) {
    static Entry file(String root, String path, int mode, Instant mtime, byte[] content) {
      return new Entry(
          FileType.FILE,
          root,
          path,
          mode,
          mtime,
          content.length,
          GoldenListing.sha256(content),
          null);
    }

    static Entry dir(String root, String path, int mode, Instant mtime) {
      return new Entry(FileType.DIR, root, path, mode, mtime, 0, null, null);
    }

    static Entry symlink(String root, String path, String target) {
      return new Entry(FileType.SYMLINK, root, path, 0777, null, 0, null, target);
    }

    private String line() {
      return switch (type) {
        case FILE ->
            String.join(
                "\t",
                "file",
                root,
                path,
                octal(mode),
                mtime == null ? "-" : mtime.toString(),
                Long.toString(size),
                sha256);
        case DIR -> String.join("\t", "dir", root, path, octal(mode), mtime.toString());
        case SYMLINK -> String.join("\t", "symlink", root, path, target);
      };
    }
  }

  /**
   * A WAL file as PostgreSQL asks for it.
   *
   * @param kind {@code complete}, {@code partial} (size and hash of the stored prefix) or {@code
   *     history}
   */
  record WalFile(String name, String kind, long size, String sha256) {
    static WalFile of(String name, String kind, byte[] content) {
      return new WalFile(name, kind, content.length, GoldenListing.sha256(content));
    }
  }

  /** The text of {@code expected.txt}. */
  String format() {
    StringBuilder sb = new StringBuilder();
    sb.append("# What the golden repository in ./repository holds; written by")
        .append(" GoldenRepositoryWriter, format in GoldenListing.\n");
    sb.append("segment_size\t").append(segmentSize).append('\n');
    backups.forEach(
        (id, entries) -> {
          sb.append("backup\t").append(id).append('\n');
          entries.forEach(e -> sb.append(e.line()).append('\n'));
        });
    for (WalFile w : wal) {
      sb.append(String.join("\t", "wal", w.name(), w.kind(), Long.toString(w.size()), w.sha256()))
          .append('\n');
    }
    absent.forEach(a -> sb.append("absent\t").append(a).append('\n'));
    return sb.toString();
  }

  static GoldenListing read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int segmentSize = 0;
    Map<BackupId, List<Entry>> backups = new LinkedHashMap<>();
    List<Entry> current = null;
    List<WalFile> wal = new ArrayList<>();
    List<String> absent = new ArrayList<>();
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      Integer count = FIELDS.get(f[0]);
      if (count == null || f.length != count) {
        throw new IllegalArgumentException(
            file + " line " + (n + 1) + " is not a known line of " + count + " fields: " + line);
      }
      switch (f[0]) {
        case "segment_size" -> segmentSize = Integer.parseInt(f[1]);
        case "backup" -> {
          current = new ArrayList<>();
          backups.put(BackupId.parse(f[1]), current);
        }
        case "wal" -> wal.add(new WalFile(f[1], f[2], Long.parseLong(f[3]), f[4]));
        case "absent" -> absent.add(f[1]);
        default -> {
          if (current == null) {
            throw new IllegalArgumentException(file + " line " + (n + 1) + " precedes any backup");
          }
          current.add(entry(f));
        }
      }
    }
    return new GoldenListing(segmentSize, backups, wal, absent);
  }

  private static Entry entry(String[] f) {
    return switch (f[0]) {
      case "file" ->
          new Entry(
              FileType.FILE,
              f[1],
              f[2],
              Integer.parseInt(f[3], 8),
              f[4].equals("-") ? null : Instant.parse(f[4]),
              Long.parseLong(f[5]),
              f[6],
              null);
      case "dir" -> Entry.dir(f[1], f[2], Integer.parseInt(f[3], 8), Instant.parse(f[4]));
      default -> Entry.symlink(f[1], f[2], f[3]);
    };
  }

  /** The entries of {@code id} under {@code root}, by path. */
  Map<String, Entry> entries(BackupId id, String root) {
    Map<String, Entry> out = new LinkedHashMap<>();
    Optional.ofNullable(backups.get(id))
        .orElseThrow(() -> new IllegalArgumentException("no backup " + id + " in the listing"))
        .stream()
        .filter(e -> e.root().equals(root))
        .forEach(e -> out.put(e.path(), e));
    return out;
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String octal(int mode) {
    return String.format("%04o", mode);
  }
}

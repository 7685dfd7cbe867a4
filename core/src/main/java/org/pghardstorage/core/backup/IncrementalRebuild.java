package org.pghardstorage.core.backup;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.BackupWriter;
import org.pghardstorage.core.repo.ChunkReader;
import org.pghardstorage.core.repo.FileRef;
import org.pghardstorage.core.repo.PreviousFiles;

/**
 * Turns the members of an {@code INCREMENTAL} {@code BASE_BACKUP} that only make sense with the
 * previous backup into the full files {@code pg_combinebackup} would write (format spec §5.2), so
 * that the stored backup is an ordinary full one:
 *
 * <ul>
 *   <li>an {@code INCREMENTAL.<name>} member becomes {@code <name>}, rebuilt from its blocks and
 *       the previous backup's {@code <name>} ({@link ReconstructedFile}), cut at that file's old
 *       chunk boundaries like any file (§5.1);
 *   <li>{@code backup_label} loses its {@code INCREMENTAL FROM LSN} and {@code INCREMENTAL FROM
 *       TLI} lines, which PostgreSQL refuses to start from; the LSN must be the previous backup's
 *       start.
 * </ul>
 *
 * Each rewrite is recorded ({@link #rewritten()}) so that PostgreSQL's {@code backup_manifest} can
 * be rewritten to describe the stored files ({@link PostgresManifestRewrite}). Every member is
 * checked as untrusted input; anything that cannot be rebuilt exactly fails the backup.
 */
final class IncrementalRebuild {
  private static final Pattern RELATION_FILE = Pattern.compile("[0-9]+(_[a-z]+)?(\\.[0-9]+)?");
  private static final Pattern FROM_LSN =
      Pattern.compile("(?m)^INCREMENTAL FROM LSN: ([0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8})$");
  private static final int MAX_LABEL = 1 << 20;

  /**
   * A member stored under another name or with other content than the server sent.
   *
   * @param serverPath its path in PostgreSQL's manifest as sent
   * @param path its path in PostgreSQL's manifest as stored
   * @param memberSize bytes the server sent
   * @param memberCrc CRC32C of those bytes
   * @param stored what was stored
   */
  record Rewritten(
      String serverPath, String path, long memberSize, int memberCrc, FileRef stored) {}

  /**
   * A member as stored.
   *
   * @param path its path within the archive
   * @param ref what was stored
   */
  record Stored(String path, FileRef ref) {}

  private final PreviousFiles previous;
  private final BackupId previousBackup;
  private final Lsn previousStart;
  private final ChunkReader reader;
  private final int blockSize;
  private final int relsegSize;
  private final List<Rewritten> rewritten = new ArrayList<>();
  private long blocksReceived;
  private long filesReused;

  /**
   * @param previous the files of the backup whose manifest was uploaded
   * @param previousStart that backup's start LSN, which the server names in backup_label
   * @param blockSize the server's BLCKSZ
   * @param relsegSize the server's RELSEG_SIZE in blocks
   */
  IncrementalRebuild(
      PreviousFiles previous,
      Lsn previousStart,
      ChunkReader reader,
      int blockSize,
      int relsegSize) {
    this.previous = previous;
    this.previousBackup = previous.backup().orElseThrow();
    this.previousStart = previousStart;
    this.reader = reader;
    this.blockSize = blockSize;
    this.relsegSize = relsegSize;
  }

  /** The backup rebuilt from. */
  BackupId base() {
    return previousBackup;
  }

  /** Members stored differently from how they were sent, in archive order. */
  List<Rewritten> rewritten() {
    return List.copyOf(rewritten);
  }

  /** Unchanged relation files stored by reference to the previous backup, without reading. */
  long filesReused() {
    return filesReused;
  }

  /** Changed blocks received in incremental files. */
  long blocksReceived() {
    return blocksReceived;
  }

  /**
   * PostgreSQL's backup_manifest rewritten to describe the stored files, once every archive has
   * been read.
   *
   * @throws HardstorageException {@code backup.incremental_invalid} if no backup_label was sent,
   *     {@code backup.manifest_invalid} if the server's manifest does not match what was sent
   */
  byte[] finish(byte[] serverManifest) {
    if (rewritten.stream().noneMatch(r -> r.serverPath().equals("backup_label"))) {
      throw IncrementalFile.invalid(
          "backup_label", "the base archive of an incremental backup holds none");
    }
    return PostgresManifestRewrite.rewrite(serverManifest, rewritten);
  }

  /**
   * Stores a member that needs the previous backup; empty (nothing read) for any other member.
   *
   * @param tablespaceOid 0 for the base archive
   * @param path the member's path within its archive
   * @param memberSize its size as the tar header states it
   * @param member its bytes; read to the end when handled
   */
  Optional<Stored> ingest(
      long tablespaceOid, String path, long memberSize, InputStream member, BackupWriter writer)
      throws IOException {
    int slash = path.lastIndexOf('/');
    String name = path.substring(slash + 1);
    String serverPath = manifestPath(tablespaceOid, path);
    CheckedInputStream checked = new CheckedInputStream(member, new CRC32C());
    Stored stored;
    if (name.startsWith(IncrementalFile.PREFIX)) {
      String bare = name.substring(IncrementalFile.PREFIX.length());
      if (!RELATION_FILE.matcher(bare).matches()) {
        throw IncrementalFile.invalid(serverPath, "'" + bare + "' is not a relation file name");
      }
      String target = path.substring(0, slash + 1) + bare;
      IncrementalFile header =
          IncrementalFile.readHeader(checked, memberSize, blockSize, relsegSize, serverPath);
      stored = new Stored(target, rebuild(tablespaceOid, target, header, checked, writer));
    } else if (tablespaceOid == 0 && path.equals("backup_label")) {
      stored = new Stored(path, writer.writeFile(new ByteArrayInputStream(label(checked))));
    } else {
      return Optional.empty();
    }
    if (checked.read() >= 0) {
      throw IncrementalFile.invalid(serverPath, "it holds more bytes than its header accounts for");
    }
    rewritten.add(
        new Rewritten(
            serverPath,
            manifestPath(tablespaceOid, stored.path()),
            memberSize,
            (int) checked.getChecksum().getValue(),
            stored.ref()));
    return Optional.of(stored);
  }

  /** The file {@code target} rebuilt from {@code header}, the blocks in {@code member} after it. */
  private FileRef rebuild(
      long tablespaceOid,
      String target,
      IncrementalFile header,
      InputStream member,
      BackupWriter writer)
      throws IOException {
    String shown = manifestPath(tablespaceOid, target);
    Optional<FileRef> old = previous.content(tablespaceOid, target);
    if (old.isEmpty()) {
      // The server sends a file incrementally only when the uploaded manifest lists it, and that
      // manifest lists exactly the previous backup's files: its absence is an inconsistency, and
      // pg_combinebackup refuses it too, even when every block is in the incremental file.
      throw new HardstorageException(
          "backup.incremental_base_missing",
          ExitCode.ERROR,
          "PostgreSQL sent "
              + shown
              + " incrementally"
              + (header.needsPreviousBlocks()
                  ? ", needing blocks below " + header.truncationBlockLength() + " from"
                  : " against")
              + " the previous backup "
              + previousBackup
              + ", which does not hold that file",
          "run 'pg_hardstorage verify' on backup "
              + previousBackup
              + ": a backup whose verification failed is never the base of an incremental one");
    }
    if (header.blocks().length == 0
        && old.get().size() == (long) header.truncationBlockLength() * blockSize) {
      // Unchanged since the previous backup (pg_combinebackup copies such a file whole): the
      // rebuilt bytes are the old ones, so the old refs and CRC32C are reused without reading.
      Optional<FileRef> same = writer.reuse(old.get());
      if (same.isPresent()) {
        filesReused++;
        return same.get();
      }
    }
    ReconstructedFile file =
        new ReconstructedFile(
            header,
            member,
            new PreviousContent(reader, old.get().chunks()),
            old.get().size(),
            blockSize,
            shown,
            "backup " + previousBackup);
    blocksReceived += header.blocks().length;
    FileRef ref = writer.writeFile(file, previous.layout(tablespaceOid, target));
    if (ref.size() != file.size()) {
      throw new IllegalStateException(
          "rebuilt " + shown + " is " + ref.size() + " bytes, expected " + file.size());
    }
    return ref;
  }

  /** backup_label without the INCREMENTAL FROM lines, after checking they name our base. */
  private byte[] label(InputStream member) throws IOException {
    byte[] content = member.readNBytes(MAX_LABEL + 1);
    if (content.length > MAX_LABEL) {
      throw IncrementalFile.invalid("backup_label", "it is over " + MAX_LABEL + " bytes");
    }
    String text = new String(content, StandardCharsets.UTF_8);
    Matcher m = FROM_LSN.matcher(text);
    if (!m.find() || !text.contains("\nINCREMENTAL FROM TLI: ")) {
      throw IncrementalFile.invalid(
          "backup_label",
          "an incremental backup's label must name INCREMENTAL FROM LSN and INCREMENTAL FROM TLI");
    }
    Lsn from = Lsn.parse(m.group(1));
    if (!from.equals(previousStart)) {
      throw new HardstorageException(
          "backup.incremental_base_mismatch",
          ExitCode.ERROR,
          "PostgreSQL took the incremental backup from "
              + from
              + " but the previous backup "
              + previousBackup
              + ", whose manifest was uploaded, starts at "
              + previousStart,
          "run the backup again");
    }
    return stripIncrementalLines(content);
  }

  /**
   * The label with every line that starts with {@code INCREMENTAL FROM LSN: } or {@code INCREMENTAL
   * FROM TLI: } removed, the rest byte for byte ({@code pg_combinebackup}'s {@code
   * write_backup_label}).
   */
  static byte[] stripIncrementalLines(byte[] label) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(label.length);
    int start = 0;
    while (start < label.length) {
      int end = start;
      while (end < label.length && label[end] != '\n') {
        end++;
      }
      end = Math.min(label.length, end + 1);
      String line = new String(label, start, end - start, StandardCharsets.UTF_8);
      if (!line.startsWith("INCREMENTAL FROM LSN: ")
          && !line.startsWith("INCREMENTAL FROM TLI: ")) {
        out.write(label, start, end - start);
      }
      start = end;
    }
    return out.toByteArray();
  }

  /** A member's path as PostgreSQL's backup_manifest names it. */
  static String manifestPath(long tablespaceOid, String path) {
    return tablespaceOid == 0 ? path : "pg_tblspc/" + tablespaceOid + "/" + path;
  }
}

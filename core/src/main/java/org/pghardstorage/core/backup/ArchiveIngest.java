package org.pghardstorage.core.backup;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.BackupWriter;
import org.pghardstorage.core.repo.FileRef;
import org.pghardstorage.core.repo.PreviousFiles;
import org.pghardstorage.core.repo.manifest.FileEntry;

/**
 * Reads one tar archive as PostgreSQL streams it and stores every regular file through the {@link
 * BackupWriter}, recording directories and symlinks (pg_tblspc links among them) as entries.
 * Nothing is buffered beyond a chunk.
 */
final class ArchiveIngest {
  private ArchiveIngest() {}

  /**
   * @param previous a path's layout in the previous backup's archive of the same tablespace (empty
   *     for a file it did not hold), where the writer cuts the file first
   */
  static List<FileEntry> ingest(
      String archiveName,
      InputStream tarBytes,
      BackupWriter writer,
      Function<String, PreviousFiles.Layout> previous)
      throws IOException {
    return ingest(archiveName, 0, tarBytes, writer, previous, Optional.empty());
  }

  /**
   * As {@link #ingest(String, InputStream, BackupWriter, Function)}, for an archive of an {@code
   * INCREMENTAL} backup: members that need the previous backup go through {@code incremental}.
   *
   * @param tablespaceOid 0 for the base archive, else the tablespace's oid
   */
  static List<FileEntry> ingest(
      String archiveName,
      long tablespaceOid,
      InputStream tarBytes,
      BackupWriter writer,
      Function<String, PreviousFiles.Layout> previous,
      Optional<IncrementalRebuild> incremental)
      throws IOException {
    List<FileEntry> entries = new ArrayList<>();
    Set<String> paths = new HashSet<>();
    // PostgreSQL writes ustar with long names via GNU/pax extensions where needed.
    TarArchiveInputStream tar = new TarArchiveInputStream(new NoClose(tarBytes));
    TarArchiveEntry e;
    while ((e = tar.getNextEntry()) != null) {
      String path = normalise(archiveName, e.getName());
      if (path.isEmpty()) {
        continue;
      }
      Instant mtime = e.getModTime().toInstant();
      int mode = e.getMode() & 07777;
      if (e.isDirectory()) {
        entries.add(FileEntry.directory(path, mode, mtime));
      } else if (e.isSymbolicLink()) {
        entries.add(FileEntry.symlink(path, mode, mtime, e.getLinkName()));
      } else if (e.isFile()) {
        Optional<IncrementalRebuild.Stored> rebuilt = Optional.empty();
        if (incremental.isPresent()) {
          rebuilt =
              incremental.get().ingest(tablespaceOid, path, e.getSize(), new NoClose(tar), writer);
        }
        FileEntry entry =
            rebuilt.isPresent()
                ? rebuilt.get().ref().toEntry(rebuilt.get().path(), mode, mtime)
                : file(archiveName, path, e.getSize(), tar, writer, previous)
                    .toEntry(path, mode, mtime);
        requireUnique(archiveName, paths, entry.path());
        entries.add(entry);
      } else {
        throw new HardstorageException(
            "backup.archive_unsupported",
            ExitCode.ERROR,
            "archive " + archiveName + ": unsupported entry type for '" + e.getName() + "'",
            null);
      }
    }
    // Drain the end-of-archive padding so the next archive starts cleanly.
    tarBytes.transferTo(java.io.OutputStream.nullOutputStream());
    return entries;
  }

  /**
   * Two files for one path (e.g. {@code N} and a rebuilt {@code INCREMENTAL.N}) fail the backup.
   */
  private static void requireUnique(String archiveName, Set<String> paths, String path) {
    if (!paths.add(path)) {
      throw new HardstorageException(
          "backup.archive_duplicate",
          ExitCode.ERROR,
          "archive " + archiveName + " holds the file " + path + " twice",
          "run the backup again; if it recurs, report it with the server's version");
    }
  }

  private static FileRef file(
      String archiveName,
      String path,
      long announced,
      TarArchiveInputStream tar,
      BackupWriter writer,
      Function<String, PreviousFiles.Layout> previous)
      throws IOException {
    FileRef ref = writer.writeFile(new NoClose(tar), previous.apply(path));
    if (ref.size() != announced) {
      throw new HardstorageException(
          "backup.archive_truncated",
          ExitCode.ERROR,
          "archive "
              + archiveName
              + ": file "
              + path
              + " announced "
              + announced
              + " bytes but "
              + ref.size()
              + " arrived",
          "the connection may have dropped; run the backup again");
    }
    return ref;
  }

  private static String normalise(String archiveName, String name) {
    String p = name;
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.equals(".")) {
      return "";
    }
    if (p.startsWith("/") || p.equals("..") || p.startsWith("../") || p.contains("/../")) {
      throw new HardstorageException(
          "backup.archive_path",
          ExitCode.ERROR,
          "archive " + archiveName + " holds an unsafe path '" + name + "'",
          null);
    }
    return p;
  }

  /** Keeps the tar reader (and the writer) from closing the stream underneath. */
  private static final class NoClose extends FilterInputStream {
    NoClose(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }
}

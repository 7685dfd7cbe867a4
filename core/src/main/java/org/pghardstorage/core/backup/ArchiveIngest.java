package org.pghardstorage.core.backup;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
    List<FileEntry> entries = new ArrayList<>();
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
        FileRef ref = writer.writeFile(new NoClose(tar), previous.apply(path));
        if (ref.size() != e.getSize()) {
          throw new HardstorageException(
              "backup.archive_truncated",
              ExitCode.ERROR,
              "archive "
                  + archiveName
                  + ": file "
                  + path
                  + " announced "
                  + e.getSize()
                  + " bytes but "
                  + ref.size()
                  + " arrived",
              "the connection may have dropped; run the backup again");
        }
        entries.add(ref.toEntry(path, mode, mtime));
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

package org.pghardstorage.core.restore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.pghardstorage.core.repo.manifest.FileEntry;
import org.pghardstorage.core.repo.manifest.FileType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lays out the archives' directories, symbolic links and (empty) files before any content is
 * fetched, and applies the manifest's modes and modification times after all content is written.
 * Directories are created 0700 and get their own mode last, deepest first, so a restrictive mode
 * never blocks writing below it.
 */
final class TreeWriter {
  static final String PG_TBLSPC = "pg_tblspc/";

  private static final Logger LOG = LoggerFactory.getLogger(TreeWriter.class);

  private final RestorePlan plan;
  private final Fs fs;

  TreeWriter(RestorePlan plan, Fs fs) {
    this.plan = plan;
    this.fs = fs;
  }

  /**
   * Creates every directory, link and file of every archive, except the files {@link Materialiser}
   * creates last; returns all files to fill.
   */
  List<FileTask> create() {
    List<FileTask> files = new ArrayList<>();
    for (RestorePlan.ArchiveTarget a : plan.archives()) {
      List<FileEntry> entries = new ArrayList<>(a.archive().files());
      entries.sort(Comparator.comparing(FileEntry::path));
      Set<Long> linked = new HashSet<>();
      boolean walLinked = false;
      for (FileEntry e : entries) {
        Path p = a.root().resolve(e.path());
        // The only links a restore creates point where the plan says, never to a manifest's
        // link_target; ManifestPolicy refused every other link before anything was written.
        Optional<String> link = a.isBase() ? linkTarget(e.path()) : Optional.empty();
        switch (e.type()) {
          case DIR, SYMLINK -> {
            if (link.isPresent()) {
              tablespaceLink(e.path()).ifPresent(t -> linked.add(t.oid()));
              walLinked |= e.path().equals(ManifestPolicy.PG_WAL);
              symlink(p, link.get());
            } else if (e.type() == FileType.DIR) {
              // PostgreSQL sends a tablespace's pg_tblspc entry as a directory in some versions
              fs.createDirectories(p);
            } else {
              throw new IllegalStateException("ManifestPolicy let a symbolic link through: " + e);
            }
          }
          case FILE -> {
            fs.createDirectories(p.getParent());
            FileTask task = new FileTask(a.label(e), p, e);
            if (!Materialiser.isWrittenLast(task)) {
              fs.createFile(p);
            }
            files.add(task);
          }
        }
      }
      if (a.isBase()) {
        // A manifest whose base archive lacks a tablespace's link still gets one: PostgreSQL
        // finds tablespaces only through pg_tblspc.
        for (TablespaceTarget t : plan.tablespaces()) {
          if (!linked.contains(t.oid())) {
            symlink(a.root().resolve(PG_TBLSPC + t.oid()), t.location());
          }
        }
        if (!walLinked && plan.walDir().isPresent()) {
          symlink(a.root().resolve(ManifestPolicy.PG_WAL), plan.walDir().get().toString());
        }
      }
    }
    return files;
  }

  /**
   * Sets modification times of links, then modes and times of directories from the manifest.
   * Regular files got theirs when {@link Materialiser} finished them, before their fsync.
   */
  void applyAttributes() {
    List<Dir> dirs = new ArrayList<>();
    for (RestorePlan.ArchiveTarget a : plan.archives()) {
      for (FileEntry e : a.archive().files()) {
        Path p = a.root().resolve(e.path());
        switch (e.type()) {
          case FILE -> {
            // finished by Materialiser
          }
          case SYMLINK -> linkTimes(p, e);
          case DIR -> {
            if (!Files.isSymbolicLink(p)) {
              dirs.add(new Dir(p, e));
            }
          }
        }
      }
    }
    dirs.sort(Comparator.comparingInt((Dir d) -> d.path().getNameCount()).reversed());
    for (Dir d : dirs) {
      fs.setMode(d.path(), d.entry().mode());
      fs.setTime(d.path(), d.entry().mtime());
    }
  }

  private record Dir(Path path, FileEntry entry) {}

  /**
   * Where the base archive's entry {@code path} must point when the restore creates it as a link: a
   * tablespace's placement, or the operator's WAL directory; empty for everything else.
   */
  private Optional<String> linkTarget(String path) {
    if (path.equals(ManifestPolicy.PG_WAL)) {
      return plan.walDir().map(Path::toString);
    }
    return tablespaceLink(path).map(TablespaceTarget::location);
  }

  private Optional<TablespaceTarget> tablespaceLink(String path) {
    if (!path.startsWith(PG_TBLSPC)) {
      return Optional.empty();
    }
    String oid = path.substring(PG_TBLSPC.length());
    return plan.tablespaces().stream().filter(t -> Long.toString(t.oid()).equals(oid)).findFirst();
  }

  private void symlink(Path link, String target) {
    fs.createDirectories(link.getParent());
    try {
      Files.createSymbolicLink(link, Path.of(target));
    } catch (IOException e) {
      throw RestoreErrors.writeFailed(link, e);
    }
    fs.touched(link.getParent());
  }

  /**
   * A link's own time matters to nobody (PostgreSQL, pg_verifybackup and the restore ignore it),
   * and some file systems cannot set it, so a failure is logged rather than fatal.
   */
  private static void linkTimes(Path p, FileEntry e) {
    try {
      Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(FileTime.from(e.mtime()), null, null);
    } catch (IOException | UnsupportedOperationException ex) {
      LOG.debug("could not set the modification time of link {}: {}", p, ex.toString());
    }
  }
}

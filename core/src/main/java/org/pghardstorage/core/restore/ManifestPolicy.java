package org.pghardstorage.core.restore;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.manifest.Archive;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.repo.manifest.FileEntry;
import org.pghardstorage.core.repo.manifest.FileType;
import org.pghardstorage.core.repo.manifest.Tablespace;

/**
 * What a restore accepts from a backup manifest, checked before anything is written. A manifest is
 * untrusted input (whoever can write the repository can forge one, and damage can pass the
 * integrity check of an unencrypted repository's CRC), so everything PostgreSQL itself never sends
 * is refused with {@value #REFUSED} (exit VERIFY_FAILED), naming the entry:
 *
 * <ul>
 *   <li>a symbolic link anywhere but where PostgreSQL puts one: {@code pg_tblspc/<oid>} of a listed
 *       tablespace in the base archive (its target is where the restore places the tablespace,
 *       never the manifest's {@code link_target}), and {@code pg_wal} only when the operator asked
 *       for a separate WAL directory (then it points there);
 *   <li>an entry below such a link, or below a file;
 *   <li>a directory or link where the restore writes files of its own ({@code
 *       postgresql.auto.conf}, {@code recovery.signal}, …), or any entry named like the restore's
 *       own marker;
 *   <li>{@code global/pg_control} or {@code pg_wal} of the wrong type.
 * </ul>
 *
 * Paths with {@code ..}, absolute paths, NUL bytes and duplicate entries never get this far: the
 * manifest's own validation refuses them when it is read ({@code repo.corrupt}, exit VERIFY_FAILED,
 * naming the path).
 */
final class ManifestPolicy {
  /** The manifest holds an entry a restore must not create (exit VERIFY_FAILED). */
  static final String REFUSED = "restore.manifest_refused";

  static final String PG_WAL = "pg_wal";

  /** Files the restore writes or deletes itself after the content: they must be plain files. */
  private static final Set<String> RESTORE_WRITES =
      Set.of(
          Restorer.POSTGRES_MANIFEST,
          RecoveryConfigWriter.AUTO_CONF,
          RecoveryConfigWriter.RECOVERY_SIGNAL,
          RecoveryConfigWriter.STANDBY_SIGNAL,
          TablespaceMapFile.NAME,
          Materialiser.PG_CONTROL);

  private ManifestPolicy() {}

  /**
   * Checks every entry of every archive.
   *
   * @param separateWalDir whether the operator asked for {@code pg_wal} to be a link to a directory
   *     of their choosing
   * @throws HardstorageException {@value #REFUSED}
   */
  static void check(BackupManifest m, boolean separateWalDir) {
    Set<Long> tablespaces = new java.util.HashSet<>();
    for (Tablespace t : m.tablespaces()) {
      tablespaces.add(t.oid());
    }
    for (Archive a : m.archives()) {
      boolean base = a.tablespaceOid() == 0;
      Map<String, FileType> types = new HashMap<>();
      a.files().forEach(f -> types.put(f.path(), f.type()));
      for (FileEntry f : a.files()) {
        String where = base ? "base" : "tablespace " + a.tablespaceOid();
        checkEntry(m, where, base, f, tablespaces, separateWalDir);
        checkParents(m, where, f, types, base, tablespaces, separateWalDir);
      }
    }
  }

  private static void checkEntry(
      BackupManifest m,
      String where,
      boolean base,
      FileEntry f,
      Set<Long> tablespaces,
      boolean separateWalDir) {
    String path = f.path();
    if (path.equals(IncompleteMarker.NAME) || path.endsWith("/" + IncompleteMarker.NAME)) {
      throw refused(m, where, f, "it is named like the restore's own marker file");
    }
    if (f.type() == FileType.SYMLINK) {
      boolean tablespaceLink =
          base && tablespaceOid(path).filter(tablespaces::contains).isPresent();
      boolean walLink = base && path.equals(PG_WAL) && separateWalDir;
      if (!tablespaceLink && !walLink) {
        throw refused(
            m,
            where,
            f,
            "it is a symbolic link (to '"
                + f.linkTarget()
                + "'); PostgreSQL puts links only at pg_tblspc/<oid> of a tablespace, and the"
                + " restore makes pg_wal a link only when asked to (--waldir)");
      }
      return;
    }
    if (!base) {
      return;
    }
    if (RESTORE_WRITES.contains(path) && f.type() != FileType.FILE) {
      throw refused(m, where, f, "it must be a regular file, the restore writes it");
    }
    if (path.equals(PG_WAL) && f.type() != FileType.DIR) {
      throw refused(m, where, f, "pg_wal must be a directory");
    }
  }

  /** No entry may lie below a file, a link, or a tablespace's pg_tblspc entry (a link). */
  private static void checkParents(
      BackupManifest m,
      String where,
      FileEntry f,
      Map<String, FileType> types,
      boolean base,
      Set<Long> tablespaces,
      boolean separateWalDir) {
    String path = f.path();
    for (int i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
      String parent = path.substring(0, i);
      FileType type = types.get(parent);
      if (type == FileType.FILE) {
        throw refused(m, where, f, "it lies below '" + parent + "', which is a file");
      }
      boolean becomesLink =
          type == FileType.SYMLINK
              || (base && tablespaceOid(parent).filter(tablespaces::contains).isPresent());
      if (becomesLink && !(base && parent.equals(PG_WAL) && separateWalDir)) {
        throw refused(
            m,
            where,
            f,
            "it lies below '"
                + parent
                + "', which the restore creates as a symbolic link: writing it would write"
                + " outside the restore's directories");
      }
    }
  }

  /** The oid of {@code pg_tblspc/<oid>}, if the path is exactly that. */
  static java.util.Optional<Long> tablespaceOid(String path) {
    String prefix = TreeWriter.PG_TBLSPC;
    if (!path.startsWith(prefix)) {
      return java.util.Optional.empty();
    }
    String oid = path.substring(prefix.length());
    if (!oid.matches("[1-9][0-9]{0,9}")) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(Long.parseLong(oid));
  }

  private static HardstorageException refused(
      BackupManifest m, String where, FileEntry f, String why) {
    return new HardstorageException(
        REFUSED,
        ExitCode.VERIFY_FAILED,
        "backup "
            + m.deployment()
            + "/"
            + m.backupId()
            + ": the "
            + where
            + " archive's entry '"
            + f.path()
            + "' ("
            + f.type().name().toLowerCase(java.util.Locale.ROOT)
            + ") is refused: "
            + why
            + "; nothing was written",
        "the manifest is damaged or forged: run pg_hardstorage verify on this backup, and restore"
            + " another backup");
  }
}

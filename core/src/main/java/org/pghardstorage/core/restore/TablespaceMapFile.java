package org.pghardstorage.core.restore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.pghardstorage.core.repo.manifest.FileEntry;
import org.pghardstorage.core.repo.manifest.FileType;

/**
 * PostgreSQL's {@code tablespace_map}: lines {@code <oid> <location>} that, at the start of
 * recovery from a backup, make the server recreate the {@code pg_tblspc/<oid>} links.
 *
 * <p>We do not write one: the restore creates correct links itself, and PostgreSQL needs the file
 * only where links could not be stored (tar-format backups on Windows). But when the backup carries
 * one (the server adds it when the backup asked for {@code TABLESPACE_MAP}), PostgreSQL would use
 * it at startup and point the links back at the recorded locations, undoing a remap. So when a
 * tablespace moved, the file is rewritten with the final locations; otherwise it stays byte for
 * byte as backed up (its checksum in {@code backup_manifest} still holds).
 */
final class TablespaceMapFile {
  static final String NAME = "tablespace_map";

  private TablespaceMapFile() {}

  /** Rewrites the restored {@code tablespace_map}, if there is one and a tablespace moved. */
  static void rewriteIfNeeded(RestorePlan plan, Fs fs) {
    Optional<FileEntry> entry =
        plan.archives().get(0).archive().files().stream()
            .filter(f -> f.type() == FileType.FILE && f.path().equals(NAME))
            .findFirst();
    boolean moved = plan.tablespaces().stream().anyMatch(TablespaceTarget::remapped);
    if (entry.isPresent() && moved) {
      Path file = plan.dataDir().resolve(NAME);
      fs.writeSmallFile(file, content(plan).getBytes(StandardCharsets.UTF_8));
      // The rewrite changed the time Materialiser gave it: the backup's mode and time, as for
      // every other restored file, made durable again.
      fs.finishFile(file, entry.get().mode(), entry.get().mtime());
    }
  }

  /** The file for the plan's final locations. */
  static String content(RestorePlan plan) {
    StringBuilder sb = new StringBuilder();
    for (TablespaceTarget t : plan.tablespaces()) {
      sb.append(t.oid()).append(' ').append(escape(t.location())).append('\n');
    }
    return sb.toString();
  }

  /** As PostgreSQL writes it: a backslash before each line break and backslash in the path. */
  static String escape(String location) {
    StringBuilder sb = new StringBuilder();
    for (char c : location.toCharArray()) {
      if (c == '\n' || c == '\r' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }
}

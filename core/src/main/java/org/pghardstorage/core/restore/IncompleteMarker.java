package org.pghardstorage.core.restore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.pghardstorage.core.repo.manifest.BackupManifest;

/**
 * The file {@value #NAME}, written into every target directory before any data and deleted after
 * everything else, so that an interrupted restore is recognisable (and {@code --force} may replace
 * it, even in a tablespace's recorded location). PostgreSQL ignores unknown files in the data
 * directory; {@code pg_verifybackup} reports it as an extra file, which is right for a half
 * restored directory.
 */
final class IncompleteMarker {
  static final String NAME = "pg_hardstorage_restore_incomplete";

  private IncompleteMarker() {}

  /** Writes the marker into every root and makes it durable before any data is written. */
  static void write(RestorePlan plan, Fs fs, Instant now) {
    BackupManifest m = plan.manifest();
    String text =
        "pg_hardstorage restore of backup "
            + m.deployment()
            + "/"
            + m.backupId()
            + " into "
            + plan.dataDir()
            + " started at "
            + now
            + " and has not finished.\n"
            + "This directory is incomplete and must not be started.\n"
            + "Re-run the restore with --force to replace it.\n";
    for (RestorePlan.Root root : plan.roots()) {
      Path marker = root.path().resolve(NAME);
      fs.writeSmallFile(marker, text.getBytes(StandardCharsets.UTF_8));
      fs.syncDirectory(root.path());
    }
  }

  /** Deletes the markers: WAL and tablespace directories first, the data directory's last. */
  static void remove(RestorePlan plan, Fs fs) {
    var roots = plan.roots();
    for (int i = roots.size() - 1; i >= 0; i--) {
      fs.deleteIfExists(roots.get(i).path().resolve(NAME));
      fs.syncDirectory(roots.get(i).path());
    }
  }
}

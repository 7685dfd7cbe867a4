package org.pghardstorage.core.repo.manifest;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The files of the data directory ({@code base}) or of one tablespace.
 *
 * @param kind base or tablespace
 * @param tablespaceOid 0 for base, the tablespace's oid otherwise
 * @param files its entries, paths unique
 */
public record Archive(ArchiveKind kind, long tablespaceOid, List<FileEntry> files) {
  /** Validates the fields. */
  public Archive {
    Objects.requireNonNull(kind, "kind");
    files = List.copyOf(Objects.requireNonNull(files, "files"));
    if ((kind == ArchiveKind.BASE) != (tablespaceOid == 0)) {
      throw new IllegalArgumentException(
          "a base archive has tablespace_oid 0 and a tablespace archive a real oid, got "
              + kind
              + " with "
              + tablespaceOid);
    }
    Set<String> paths = new HashSet<>();
    for (FileEntry f : files) {
      if (!paths.add(f.path())) {
        throw new IllegalArgumentException(
            "path '"
                + f.path()
                + "' appears twice in the "
                + describe(kind, tablespaceOid)
                + " archive");
      }
    }
  }

  /** The data directory's archive. */
  public static Archive base(List<FileEntry> files) {
    return new Archive(ArchiveKind.BASE, 0, files);
  }

  /** A tablespace's archive. */
  public static Archive tablespace(long oid, List<FileEntry> files) {
    return new Archive(ArchiveKind.TABLESPACE, oid, files);
  }

  private static String describe(ArchiveKind kind, long oid) {
    return kind == ArchiveKind.BASE ? "base" : "tablespace " + oid;
  }
}

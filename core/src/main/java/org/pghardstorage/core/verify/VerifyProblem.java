package org.pghardstorage.core.verify;

import java.util.List;
import java.util.Objects;

/**
 * One thing verification found wrong. Names the store object at fault, the files it affects (paths
 * as PostgreSQL's backup_manifest names them, tablespace files under {@code pg_tblspc/<oid>/}) and
 * the chunks, and says what is wrong. Plain fields, so it serialises with a default Jackson {@code
 * ObjectMapper}.
 *
 * @param severity whether it fails the verification
 * @param kind what kind of problem
 * @param object the store key of the damaged or missing object ({@code data/…}, {@code index/…},
 *     {@code backups/…}, {@code wal/…}, {@code config})
 * @param files the backup's files affected; empty if none or unknown
 * @param chunks the chunk ids concerned; empty if none
 * @param detail what is wrong, in words
 */
public record VerifyProblem(
    Severity severity,
    Kind kind,
    String object,
    List<String> files,
    List<String> chunks,
    String detail)
    implements java.io.Serializable {
  /** Validates the fields. */
  public VerifyProblem {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(detail, "detail");
    files = List.copyOf(files);
    chunks = List.copyOf(chunks);
  }

  /** An error about one object and some files. */
  static VerifyProblem error(Kind kind, String object, List<String> files, String detail) {
    return new VerifyProblem(Severity.ERROR, kind, object, files, List.of(), detail);
  }

  /** One line naming everything, for logs and error messages (at most 5 files listed). */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append(kind).append(" in '").append(object).append("'");
    if (!chunks.isEmpty()) {
      sb.append(", chunk ").append(chunks.size() == 1 ? chunks.get(0) : chunks);
    }
    if (!files.isEmpty()) {
      sb.append(", affecting ");
      sb.append(String.join(", ", files.subList(0, Math.min(5, files.size()))));
      if (files.size() > 5) {
        sb.append(" and ").append(files.size() - 5).append(" more files");
      }
    }
    return sb.append(": ").append(detail).toString();
  }

  /** Whether a problem fails the verification. */
  public enum Severity {
    /** Damaged or missing data: the backup may not restore. */
    ERROR,
    /** Worth knowing, but the backup restores (e.g. WAL still being received). */
    WARNING
  }

  /** Kinds of problems. */
  public enum Kind {
    /** The repository could not be opened: its config is damaged. */
    REPOSITORY_UNREADABLE,
    /**
     * An index object is damaged. Its chunks were found through pack trailers, so backups still
     * restore, but garbage collection refuses to run until {@code repo index rebuild} replaces it.
     */
    INDEX_DAMAGED,
    /** The backup's manifest object does not open or parse. */
    MANIFEST_DAMAGED,
    /** The backup's copy of PostgreSQL's backup_manifest does not exist. */
    POSTGRES_MANIFEST_MISSING,
    /** PostgreSQL's backup_manifest does not open, or differs from our manifest's reference. */
    POSTGRES_MANIFEST_DAMAGED,
    /** PostgreSQL's backup_manifest opens but does not parse, or its own checksum is wrong. */
    POSTGRES_MANIFEST_INVALID,
    /** PostgreSQL's backup_manifest is of another cluster. */
    SYSTEM_IDENTIFIER_MISMATCH,
    /** A chunk the backup references is in no index file. */
    CHUNK_MISSING,
    /** A pack the backup uses does not exist. */
    PACK_MISSING,
    /** A pack's bytes, trailer or index entries are wrong. */
    PACK_DAMAGED,
    /** A chunk in a pack does not open, decompress or hash to its id. */
    CHUNK_DAMAGED,
    /** A pack holds a chunk no index file names (an interrupted backup's data; not damage). */
    CHUNK_UNINDEXED,
    /** A file could not be re-assembled from its chunks. */
    FILE_UNREADABLE,
    /** A re-assembled file's CRC32C differs from our manifest. */
    FILE_CHECKSUM_MISMATCH,
    /** A file's size differs from PostgreSQL's backup_manifest. */
    FILE_SIZE_MISMATCH,
    /** A file's checksum differs from PostgreSQL's backup_manifest. */
    POSTGRES_CHECKSUM_MISMATCH,
    /** PostgreSQL's backup_manifest lists a file the backup does not hold. */
    FILE_NOT_IN_BACKUP,
    /** The backup holds a file PostgreSQL's backup_manifest does not list. */
    FILE_NOT_IN_POSTGRES_MANIFEST,
    /** PostgreSQL's WAL-Ranges and our manifest's WAL range disagree. */
    WAL_RANGE_MISMATCH,
    /** A WAL segment the backup needs is not archived. */
    WAL_SEGMENT_MISSING,
    /** A WAL segment does not open, or is not the segment its name says. */
    WAL_SEGMENT_DAMAGED,
    /** Only the partial object of a needed WAL segment exists. */
    WAL_SEGMENT_PARTIAL
  }
}

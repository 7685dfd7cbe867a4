package org.pghardstorage.core.pg;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The options of a {@code BASE_BACKUP} command in the PostgreSQL 15+ syntax, e.g. {@code
 * BASE_BACKUP (LABEL 'nightly', CHECKPOINT 'fast', MANIFEST 'yes', MANIFEST_CHECKSUMS 'CRC32C',
 * PROGRESS true, WAIT true, TABLESPACE_MAP true)}. Immutable; build with {@link #builder(String)}.
 */
public final class BaseBackupOptions {
  private static final Pattern CHECKSUM =
      Pattern.compile("NONE|CRC32C|SHA224|SHA256|SHA384|SHA512");
  private static final Pattern COMPRESSION = Pattern.compile("[a-z0-9]+(:[a-z0-9=,_]+)?");

  private final String label;
  private final boolean fastCheckpoint;
  private final boolean manifest;
  private final String manifestChecksums;
  private final boolean progress;
  private final Optional<Long> maxRateKbPerSecond;
  private final boolean waitForWalArchive;
  private final boolean tablespaceMap;
  private final boolean verifyChecksums;
  private final Optional<String> compression;
  private final boolean incremental;

  private BaseBackupOptions(Builder b) {
    this.label = b.label;
    this.fastCheckpoint = b.fastCheckpoint;
    this.manifest = b.manifest;
    this.manifestChecksums = b.manifestChecksums;
    this.progress = b.progress;
    this.maxRateKbPerSecond = b.maxRateKbPerSecond;
    this.waitForWalArchive = b.waitForWalArchive;
    this.tablespaceMap = b.tablespaceMap;
    this.verifyChecksums = b.verifyChecksums;
    this.compression = b.compression;
    this.incremental = b.incremental;
  }

  /**
   * Options with defaults: fast checkpoint, a manifest with CRC32C checksums, progress on, no rate
   * limit, waiting for WAL archiving, a tablespace map, page checksum verification.
   */
  public static Builder builder(String label) {
    return new Builder(label);
  }

  /** The backup label, shown in backup_label and pg_stat_progress_basebackup. */
  public String label() {
    return label;
  }

  /** Whether the server sends 'p' progress messages and tablespace size estimates. */
  public boolean progress() {
    return progress;
  }

  /** Whether a backup_manifest follows the archives. */
  public boolean manifest() {
    return manifest;
  }

  /** Whether the backup is {@code INCREMENTAL} against the manifest uploaded before it. */
  public boolean incremental() {
    return incremental;
  }

  /** The command text. */
  public String toCommand() {
    List<String> o = new ArrayList<>();
    o.add("LABEL " + quote(label));
    o.add("CHECKPOINT " + quote(fastCheckpoint ? "fast" : "spread"));
    o.add("MANIFEST " + quote(manifest ? "yes" : "no"));
    if (manifest) {
      o.add("MANIFEST_CHECKSUMS " + quote(manifestChecksums));
    }
    o.add("PROGRESS " + quote(Boolean.toString(progress)));
    maxRateKbPerSecond.ifPresent(r -> o.add("MAX_RATE " + r));
    o.add("WAIT " + quote(Boolean.toString(waitForWalArchive)));
    o.add("TABLESPACE_MAP " + quote(Boolean.toString(tablespaceMap)));
    o.add("VERIFY_CHECKSUMS " + quote(Boolean.toString(verifyChecksums)));
    compression.ifPresent(
        c -> {
          int colon = c.indexOf(':');
          o.add("COMPRESSION " + quote(colon < 0 ? c : c.substring(0, colon)));
          if (colon >= 0) {
            o.add("COMPRESSION_DETAIL " + quote(c.substring(colon + 1)));
          }
        });
    if (incremental) {
      o.add("INCREMENTAL " + quote("true"));
    }
    return "BASE_BACKUP (" + String.join(", ", o) + ")";
  }

  /**
   * Quotes a string for the replication command grammar: single quotes, embedded quotes doubled.
   * Backslashes are literal there (no escape syntax), so they need no treatment.
   */
  static String quote(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  @Override
  public String toString() {
    return toCommand();
  }

  /** Builds {@link BaseBackupOptions}. */
  public static final class Builder {
    private final String label;
    private boolean fastCheckpoint = true;
    private boolean manifest = true;
    private String manifestChecksums = "CRC32C";
    private boolean progress = true;
    private Optional<Long> maxRateKbPerSecond = Optional.empty();
    private boolean waitForWalArchive = true;
    private boolean tablespaceMap = true;
    private boolean verifyChecksums = true;
    private Optional<String> compression = Optional.empty();
    private boolean incremental;

    private Builder(String label) {
      Objects.requireNonNull(label, "label");
      if (label.indexOf('\0') >= 0 || label.length() > 1023) {
        throw new IllegalArgumentException(
            "invalid backup label: at most 1023 characters, no NUL (got " + label.length() + ")");
      }
      this.label = label;
    }

    /** {@code CHECKPOINT 'fast'} (true) or {@code 'spread'}. */
    public Builder fastCheckpoint(boolean fast) {
      this.fastCheckpoint = fast;
      return this;
    }

    /** Whether to request a backup manifest. */
    public Builder manifest(boolean manifest) {
      this.manifest = manifest;
      return this;
    }

    /** The manifest checksum algorithm: NONE, CRC32C, SHA224, SHA256, SHA384 or SHA512. */
    public Builder manifestChecksums(String algorithm) {
      if (!CHECKSUM.matcher(algorithm).matches()) {
        throw new IllegalArgumentException(
            "invalid manifest checksum algorithm '" + algorithm + "': use " + CHECKSUM.pattern());
      }
      this.manifestChecksums = algorithm;
      return this;
    }

    /** Whether the server reports progress. */
    public Builder progress(boolean progress) {
      this.progress = progress;
      return this;
    }

    /** Limits the server's send rate, in kB/s (32 to 1048576, as the server requires). */
    public Builder maxRateKbPerSecond(long rate) {
      if (rate < 32 || rate > 1048576) {
        throw new IllegalArgumentException(
            "invalid MAX_RATE " + rate + " kB/s: must be between 32 and 1048576");
      }
      this.maxRateKbPerSecond = Optional.of(rate);
      return this;
    }

    /** Whether the end of the backup waits until the needed WAL is archived. */
    public Builder waitForWalArchive(boolean wait) {
      this.waitForWalArchive = wait;
      return this;
    }

    /** Whether to include a tablespace_map file instead of symbolic links. */
    public Builder tablespaceMap(boolean map) {
      this.tablespaceMap = map;
      return this;
    }

    /** Whether the server verifies page checksums while reading. */
    public Builder verifyChecksums(boolean verify) {
      this.verifyChecksums = verify;
      return this;
    }

    /**
     * Server-side compression such as {@code zstd} or {@code zstd:level=3}; archive names then
     * carry the compressor's suffix.
     */
    public Builder compression(String spec) {
      if (!COMPRESSION.matcher(spec).matches()) {
        throw new IllegalArgumentException(
            "invalid compression '" + spec + "': expected METHOD or METHOD:DETAIL");
      }
      this.compression = Optional.of(spec);
      return this;
    }

    /**
     * {@code INCREMENTAL} (PostgreSQL 17+, with {@code summarize_wal}): relation files the WAL
     * summaries show as partly changed since the manifest uploaded on the session come as {@code
     * INCREMENTAL.<name>} files holding only the changed blocks.
     */
    public Builder incremental(boolean incremental) {
      this.incremental = incremental;
      return this;
    }

    /** The options. */
    public BaseBackupOptions build() {
      return new BaseBackupOptions(this);
    }
  }
}

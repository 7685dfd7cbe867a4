package org.pghardstorage.core.restore;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.repo.manifest.BackupManifest;

/**
 * Where recovery should stop. Each target knows the {@code recovery_target_*} settings it needs and
 * whether a base backup can reach it (the backup must end before the target).
 */
public sealed interface RecoveryTarget {
  /** The backup's own consistency point ({@code recovery_target = 'immediate'}). */
  record Immediate() implements RecoveryTarget {
    @Override
    public Map<String, String> settings() {
      return Map.of("recovery_target", "immediate");
    }

    @Override
    public String describe() {
      return "the backup's consistency point";
    }
  }

  /** Everything in the repository, the newest partial segment included. */
  record Latest() implements RecoveryTarget {
    @Override
    public Map<String, String> settings() {
      return Map.of();
    }

    @Override
    public String describe() {
      return "the latest WAL in the repository";
    }
  }

  /**
   * A moment in time ({@code recovery_target_time}).
   *
   * @param time the target
   */
  record Time(Instant time) implements RecoveryTarget {
    /** PostgreSQL's timestamptz input format, in UTC. */
    static final DateTimeFormatter PG =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    @Override
    public Map<String, String> settings() {
      return Map.of("recovery_target_time", PG.format(time));
    }

    @Override
    public boolean reachableFrom(BackupManifest m) {
      // The backup's end LSN was written before it finished: finishing before the target is enough.
      return m.finishedAt().isBefore(time);
    }

    @Override
    public String describe() {
      return "time " + PG.format(time);
    }
  }

  /**
   * An LSN ({@code recovery_target_lsn}).
   *
   * @param lsn the target
   */
  record AtLsn(Lsn lsn) implements RecoveryTarget {
    @Override
    public Map<String, String> settings() {
      return Map.of("recovery_target_lsn", lsn.toString());
    }

    @Override
    public boolean reachableFrom(BackupManifest m) {
      return !Lsn.parse(m.wal().endLsn()).isAfter(lsn);
    }

    @Override
    public String describe() {
      return "LSN " + lsn;
    }
  }

  /**
   * A restore point created with {@code pg_create_restore_point} ({@code recovery_target_name}).
   *
   * @param name the restore point
   */
  record Named(String name) implements RecoveryTarget {
    /** Validates the name. */
    public Named {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty() || name.length() > 63) {
        throw usage("restore point name must be 1 to 63 characters, got '" + name + "'");
      }
    }

    @Override
    public Map<String, String> settings() {
      return Map.of("recovery_target_name", name);
    }

    @Override
    public String describe() {
      return "restore point '" + name + "'";
    }
  }

  /**
   * A transaction id ({@code recovery_target_xid}).
   *
   * @param xid the transaction
   */
  record Xid(long xid) implements RecoveryTarget {
    /** Validates the id. */
    public Xid {
      if (xid < 3) {
        throw usage("transaction id " + xid + " is not a normal transaction id");
      }
    }

    @Override
    public Map<String, String> settings() {
      return Map.of("recovery_target_xid", Long.toString(xid));
    }

    @Override
    public String describe() {
      return "transaction " + xid;
    }
  }

  /** The {@code recovery_target*} settings of this target. */
  Map<String, String> settings();

  /** A phrase for messages, e.g. {@code LSN 0/3000028}. */
  String describe();

  /**
   * Whether recovery from backup {@code m} can reach this target. Name and xid targets cannot be
   * placed without reading WAL, so any backup qualifies and the newest is chosen.
   */
  default boolean reachableFrom(BackupManifest m) {
    return true;
  }

  /** Whether this is a point in time rather than the backup's own end. */
  default boolean isPointInTime() {
    return !(this instanceof Immediate);
  }

  /**
   * The full recovery settings: the restore command, the target, what to do there, and the timeline
   * to follow.
   *
   * @param action {@code pause}, {@code promote} or {@code shutdown}
   * @param timeline {@code latest}, {@code current} or a timeline number
   */
  default RecoverySettings recoverySettings(String restoreCommand, String action, String timeline) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(RecoverySettings.RESTORE_COMMAND, restoreCommand);
    m.put(RecoverySettings.RECOVERY_END_COMMAND, RestoreCommands.SPOOL_CLEANUP);
    m.putAll(new java.util.TreeMap<>(settings()));
    if (!(this instanceof Latest)) {
      m.put(RecoverySettings.RECOVERY_TARGET_ACTION, action);
    }
    if (isPointInTime()) {
      m.put("recovery_target_timeline", timeline);
    }
    return RecoverySettings.of(m);
  }

  private static HardstorageException usage(String message) {
    return new HardstorageException(
        "restore.invalid_target", ExitCode.USAGE, message, "see pg_hardstorage restore --help");
  }
}

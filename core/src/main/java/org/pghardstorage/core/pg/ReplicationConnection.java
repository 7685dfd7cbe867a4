package org.pghardstorage.core.pg;

import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * The replication commands pg_hardstorage uses, over a walsender session ({@code replication=true}
 * or {@code database}): IDENTIFY_SYSTEM, SHOW, physical slots, TIMELINE_HISTORY, START_REPLICATION
 * and BASE_BACKUP, in their PostgreSQL 15–18 syntax.
 *
 * <p>One command at a time: while a {@link ReplicationStream} or {@link BaseBackupStream} is open
 * the connection is busy. Same threading rules as {@link PgConnection}.
 */
public final class ReplicationConnection implements AutoCloseable {
  private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|kB|MB|GB)");

  private final PgConnection connection;

  /**
   * Wraps an open walsender connection.
   *
   * @throws IllegalArgumentException if {@code connection} is not a replication session
   */
  public ReplicationConnection(PgConnection connection) {
    this.connection = Objects.requireNonNull(connection, "connection");
    if (connection.replicationMode() == ReplicationMode.NONE) {
      throw new IllegalArgumentException(
          "connection to " + connection.endpoint() + " is not a replication connection");
    }
  }

  /**
   * Opens a walsender session; a {@link ReplicationMode#NONE} in {@code options} is taken as {@link
   * ReplicationMode#DATABASE}.
   */
  public static ReplicationConnection open(ConnInfo connInfo, ConnectOptions options) {
    ConnectOptions o =
        options.replicationMode() == ReplicationMode.NONE
            ? options.withReplicationMode(ReplicationMode.DATABASE)
            : options;
    return new ReplicationConnection(PgConnection.open(connInfo, o));
  }

  /** The underlying connection (for parameters, cancel, and SQL in {@code database} mode). */
  public PgConnection connection() {
    return connection;
  }

  /** Runs {@code IDENTIFY_SYSTEM}. */
  public SystemIdentification identifySystem() {
    Row row = connection.querySingle("IDENTIFY_SYSTEM").singleRow();
    return new SystemIdentification(
        SystemIdentifier.parse(row.getString("systemid")),
        TimelineId.of(row.getLong("timeline")),
        row.getLsn("xlogpos"),
        row.getOptionalString("dbname"));
  }

  /** The value of a server setting ({@code SHOW name}), as the server formats it. */
  public String show(String setting) {
    if (!setting.matches("[a-z_][a-z0-9_.]*")) {
      throw new IllegalArgumentException("invalid setting name '" + setting + "'");
    }
    return connection.querySingle("SHOW " + setting).singleRow().getString(0);
  }

  /** The cluster's WAL segment size ({@code SHOW wal_segment_size}). */
  public WalSegmentSize walSegmentSize() {
    String text = show("wal_segment_size");
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new HardstorageException(
          "pg.unexpected_result",
          ExitCode.ERROR,
          "cannot parse wal_segment_size '" + text + "'",
          null);
    }
    long n = Long.parseLong(m.group(1));
    long unit =
        switch (m.group(2)) {
          case "kB" -> 1L << 10;
          case "MB" -> 1L << 20;
          case "GB" -> 1L << 30;
          default -> 1L;
        };
    return WalSegmentSize.ofBytes(n * unit);
  }

  /**
   * Creates a physical slot with {@code CREATE_REPLICATION_SLOT name [TEMPORARY] PHYSICAL
   * (RESERVE_WAL …)}. With {@code reserveWal} the slot holds WAL from now on; its restart LSN is
   * read back with READ_REPLICATION_SLOT because CREATE reports only a consistent point, which is
   * 0/0 for physical slots. A temporary slot disappears when this session ends.
   *
   * @throws PgServerException {@code pg.object_exists} (exit CONFLICT) if the slot exists
   */
  public ReplicationSlot createPhysicalSlot(String name, boolean temporary, boolean reserveWal) {
    validateSlotName(name);
    connection.query(
        "CREATE_REPLICATION_SLOT "
            + name
            + (temporary ? " TEMPORARY" : "")
            + " PHYSICAL (RESERVE_WAL "
            + reserveWal
            + ")");
    return readReplicationSlot(name)
        .orElseThrow(
            () ->
                PgErrors.protocol(
                    connection.endpoint().display(), "slot " + name + " vanished after creation"));
  }

  /**
   * Reads a slot with {@code READ_REPLICATION_SLOT} (PostgreSQL 15+).
   *
   * @return the slot, or empty if it does not exist
   */
  public Optional<ReplicationSlot> readReplicationSlot(String name) {
    validateSlotName(name);
    Row row = connection.querySingle("READ_REPLICATION_SLOT " + name).singleRow();
    if (row.isNull("slot_type")) {
      return Optional.empty();
    }
    return Optional.of(
        new ReplicationSlot(
            name,
            row.getString("slot_type"),
            row.getOptionalString("restart_lsn").map(Lsn::parse),
            row.getOptionalString("restart_tli").map(Long::parseLong).map(TimelineId::of)));
  }

  /**
   * Drops a slot. With {@code wait}, waits for an active slot to be released instead of failing.
   *
   * @throws PgServerException {@code pg.object_not_found} (exit NOT_FOUND) if it does not exist,
   *     {@code pg.object_in_use} (CONFLICT) if it is active and {@code wait} is false
   */
  public void dropReplicationSlot(String name, boolean wait) {
    validateSlotName(name);
    connection.query("DROP_REPLICATION_SLOT " + name + (wait ? " WAIT" : ""));
  }

  /**
   * Fetches a timeline history file with {@code TIMELINE_HISTORY}.
   *
   * @throws PgServerException {@code pg.file_not_found} if the server has no such file (timeline 1
   *     never has one)
   */
  public TimelineHistoryFile timelineHistory(TimelineId timeline) {
    Row row = connection.querySingle("TIMELINE_HISTORY " + timeline.value()).singleRow();
    return new TimelineHistoryFile(row.getString(0), row.getBytes(1));
  }

  /**
   * Starts streaming WAL with {@code START_REPLICATION [SLOT s] PHYSICAL start TIMELINE tli}.
   * Keepalives that request a reply are answered automatically (see {@link ReplicationStream}).
   *
   * @param slot the slot to stream from, if any
   * @param start where to start; the server rounds down to the segment start internally
   * @param timeline the timeline to stream; a historic timeline ends with {@link
   *     ReplicationEvent.EndOfTimeline}
   * @throws PgServerException if the server refuses (e.g. {@code pg.file_not_found} when the WAL
   *     was removed, or the start lies past the timeline's end)
   */
  public ReplicationStream startPhysicalReplication(
      Optional<String> slot, Lsn start, TimelineId timeline) {
    return startPhysicalReplication(slot, start, timeline, true);
  }

  /** As {@link #startPhysicalReplication(Optional, Lsn, TimelineId)}, choosing auto-reply. */
  public ReplicationStream startPhysicalReplication(
      Optional<String> slot, Lsn start, TimelineId timeline, boolean autoReply) {
    slot.ifPresent(ReplicationConnection::validateSlotName);
    String command =
        "START_REPLICATION"
            + slot.map(s -> " SLOT " + s).orElse("")
            + " PHYSICAL "
            + formatLsn(start)
            + " TIMELINE "
            + timeline.value();
    CopyBothStream copy = connection.copyBoth(command);
    return new ReplicationStream(
        copy, start, autoReply, Clock.systemUTC(), connection.endpoint().display());
  }

  /**
   * Sends a previous backup's {@code backup_manifest} with {@code UPLOAD_MANIFEST} (PostgreSQL
   * 17+), which an {@code INCREMENTAL} {@code BASE_BACKUP} on this session then uses as its base.
   *
   * @throws PgServerException if the server refuses it (a version 1 manifest, another system's, a
   *     server without the command); the connection stays usable
   */
  public void uploadManifest(byte[] backupManifest) {
    connection.copyIn("UPLOAD_MANIFEST", backupManifest);
  }

  /**
   * Starts {@code BASE_BACKUP}; read it with the returned stream.
   *
   * @throws PgServerException if the server refuses to start the backup
   */
  public BaseBackupStream baseBackup(BaseBackupOptions options) {
    return BaseBackupStream.begin(connection, options);
  }

  /** Closes the connection. */
  @Override
  public void close() {
    connection.close();
  }

  /** The unpadded {@code X/Y} form every server version parses. */
  static String formatLsn(Lsn lsn) {
    return String.format(Locale.ROOT, "%X/%X", lsn.value() >>> 32, lsn.value() & 0xFFFFFFFFL);
  }

  private static void validateSlotName(String name) {
    if (name == null || !SLOT_NAME.matcher(name).matches()) {
      throw new HardstorageException(
          "pg.slot_name_invalid",
          ExitCode.USAGE,
          "invalid replication slot name '" + name + "'",
          "use 1 to 63 lower-case letters, digits and underscores");
    }
  }
}

package org.pghardstorage.core.wal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pghardstorage.core.pg.PgConnection;
import org.pghardstorage.core.pg.Row;

/**
 * Checks that a server can feed a streamer before one starts: WAL level, senders and slots, the
 * role's REPLICATION attribute, the slot's state, recovery, and settings that could invalidate the
 * slot behind our back. Runs plain SQL on a {@code replication=database} connection.
 */
public final class WalPreflight {
  private final boolean allowStandby;
  private final boolean slotInUseIsHealthy;

  /** A preflight before streaming; {@code allowStandby} accepts a server in recovery. */
  public WalPreflight(boolean allowStandby) {
    this(allowStandby, false);
  }

  /**
   * A preflight; {@code slotInUseIsHealthy} is for diagnosing a running system, where a slot in use
   * means the streamer is up, rather than for starting one, where it means a second streamer.
   */
  public WalPreflight(boolean allowStandby, boolean slotInUseIsHealthy) {
    this.allowStandby = allowStandby;
    this.slotInUseIsHealthy = slotInUseIsHealthy;
  }

  /** Runs every check against {@code c} for slot {@code slot}. */
  public PreflightReport run(PgConnection c, String slot) {
    List<PreflightCheck> checks = new ArrayList<>();
    int version = c.serverVersionNum();
    checks.add(
        version >= 150000
            ? PreflightCheck.pass("server_version", c.serverVersion())
            : PreflightCheck.fail(
                "server_version",
                "PostgreSQL " + c.serverVersion() + " is older than 15",
                "upgrade to PostgreSQL 15 or newer"));
    String walLevel = value(c, "SELECT current_setting('wal_level')");
    checks.add(
        walLevel.equals("minimal")
            ? PreflightCheck.fail(
                "wal_level",
                "wal_level is minimal",
                "set wal_level = replica in postgresql.conf and restart PostgreSQL")
            : PreflightCheck.pass("wal_level", walLevel));
    checks.add(senders(c));
    Row role =
        c.querySingle("SELECT rolreplication, rolsuper FROM pg_roles WHERE rolname = current_user")
            .singleRow();
    checks.add(
        role.getBoolean(0) || role.getBoolean(1)
            ? PreflightCheck.pass("role_replication", "role " + c.user() + " has REPLICATION")
            : PreflightCheck.fail(
                "role_replication",
                "role " + c.user() + " lacks the REPLICATION attribute",
                "ALTER ROLE " + c.user() + " REPLICATION"));
    Optional<Row> slotRow = slot(c, slot, version);
    checks.add(slots(c, slotRow));
    slotRow.ifPresent(r -> checks.add(slotState(slot, r, slotInUseIsHealthy)));
    boolean inRecovery = "t".equals(value(c, "SELECT pg_is_in_recovery()"));
    checks.add(
        !inRecovery
            ? PreflightCheck.pass("recovery", "the server is a primary")
            : allowStandby
                ? PreflightCheck.warn(
                    "recovery",
                    "the server is a standby",
                    "streaming from a standby lags its primary; back up the primary where you can")
                : PreflightCheck.fail(
                    "recovery",
                    "the server is in recovery (a standby)",
                    "point the connection at the primary, or allow standbys explicitly"));
    String keep = value(c, "SELECT current_setting('max_slot_wal_keep_size')");
    checks.add(
        keep.equals("-1")
            ? PreflightCheck.pass("max_slot_wal_keep_size", "-1 (slots keep all WAL they need)")
            : PreflightCheck.warn(
                "max_slot_wal_keep_size",
                "max_slot_wal_keep_size = "
                    + keep
                    + ": the server invalidates the slot if the streamer falls this far behind",
                "keep the streamer running, or set max_slot_wal_keep_size = -1"));
    if (version >= 180000) {
      String idle = value(c, "SELECT current_setting('idle_replication_slot_timeout')");
      checks.add(
          idle.equals("0")
              ? PreflightCheck.pass("idle_replication_slot_timeout", "0 (disabled)")
              : PreflightCheck.warn(
                  "idle_replication_slot_timeout",
                  "idle_replication_slot_timeout = "
                      + idle
                      + ": the slot is invalidated if the streamer is down that long",
                  "set idle_replication_slot_timeout = 0, or keep the streamer running"));
    }
    return new PreflightReport(c.serverVersion(), slot, checks);
  }

  private static PreflightCheck senders(PgConnection c) {
    Row r =
        c.querySingle(
                "SELECT current_setting('max_wal_senders')::int,"
                    + " (SELECT count(*) FROM pg_stat_replication)")
            .singleRow();
    int max = r.getInt(0);
    long used = r.getLong(1);
    if (max == 0) {
      return PreflightCheck.fail(
          "max_wal_senders", "max_wal_senders = 0", "set max_wal_senders = 10 and restart");
    }
    // this very connection counts as a WAL sender on a replication connection
    if (used >= max) {
      return PreflightCheck.fail(
          "max_wal_senders",
          "all " + max + " WAL senders are in use",
          "raise max_wal_senders (needs a restart) or stop an idle replication client");
    }
    return PreflightCheck.pass("max_wal_senders", used + " of " + max + " in use");
  }

  private static PreflightCheck slots(PgConnection c, Optional<Row> existing) {
    Row r =
        c.querySingle(
                "SELECT current_setting('max_replication_slots')::int,"
                    + " (SELECT count(*) FROM pg_replication_slots)")
            .singleRow();
    int max = r.getInt(0);
    long used = r.getLong(1);
    if (existing.isPresent()) {
      return PreflightCheck.pass("max_replication_slots", used + " of " + max + " in use");
    }
    if (used >= max) {
      return PreflightCheck.fail(
          "max_replication_slots",
          "all " + max + " replication slots are taken and ours does not exist yet",
          "raise max_replication_slots (needs a restart) or drop an unused slot");
    }
    return PreflightCheck.pass(
        "max_replication_slots", used + " of " + max + " in use; the slot will be created");
  }

  private static Optional<Row> slot(PgConnection c, String slot, int version) {
    String invalidation =
        version >= 170000
            ? "invalidation_reason"
            : "CASE WHEN wal_status = 'lost' THEN 'wal_removed' END";
    var rows =
        c.querySingle(
                "SELECT slot_type, active, active_pid, restart_lsn::text, wal_status, "
                    + invalidation
                    + " FROM pg_replication_slots WHERE slot_name = "
                    + literal(slot))
            .rows();
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  private static PreflightCheck slotState(String slot, Row r, boolean inUseIsHealthy) {
    String name = "slot";
    if (!"physical".equals(r.getString(0))) {
      return PreflightCheck.fail(
          name,
          "slot " + slot + " exists but is " + r.getString(0),
          "drop it or choose another slot name");
    }
    Optional<String> invalid = r.getOptionalString(5);
    if (invalid.isPresent() || "lost".equals(r.getOptionalString(4).orElse(""))) {
      return PreflightCheck.fail(
          name,
          "slot " + slot + " is invalidated (" + invalid.orElse("wal removed") + ")",
          "WAL is missing: drop the slot, let the streamer recreate it, and take a new base backup");
    }
    if (r.getBoolean(1) && inUseIsHealthy) {
      return PreflightCheck.pass(
          name, "slot " + slot + " is in use by process " + r.getOptionalString(2).orElse("?"));
    }
    if (r.getBoolean(1)) {
      return PreflightCheck.fail(
          name,
          "slot " + slot + " is in use by process " + r.getOptionalString(2).orElse("?"),
          "another streamer runs for this slot; stop it first");
    }
    return PreflightCheck.pass(
        name, "slot " + slot + " exists, restart_lsn " + r.getOptionalString(3).orElse("none"));
  }

  private static String value(PgConnection c, String sql) {
    return c.querySingle(sql).singleRow().getString(0);
  }

  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}

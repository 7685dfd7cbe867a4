package org.pghardstorage.core.restore;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The PostgreSQL settings (GUC name → value, in order) that a restore writes into {@code
 * postgresql.auto.conf} so that starting the server recovers. Values are plain text; quoting for
 * the configuration file is the writer's job. Immutable. Serialises with Jackson as a JSON object.
 *
 * <p>Today a restore recovers to the backup's consistency point ({@link #immediate}); the
 * point-in-time work adds targets with {@link #with} ({@code recovery_target_time}, {@code
 * recovery_target_lsn}, …) and needs no change to the writer.
 */
public final class RecoverySettings {
  /** Where PostgreSQL gets archived WAL from. */
  public static final String RESTORE_COMMAND = "restore_command";

  /** What PostgreSQL runs once recovery has ended: removes the WAL prefetch spool. */
  public static final String RECOVERY_END_COMMAND = "recovery_end_command";

  /** {@code immediate}: stop as soon as the backup is consistent. */
  public static final String RECOVERY_TARGET = "recovery_target";

  /** What to do at the target: {@code pause}, {@code promote} or {@code shutdown}. */
  public static final String RECOVERY_TARGET_ACTION = "recovery_target_action";

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.]*");

  private final Map<String, String> settings;

  private RecoverySettings(Map<String, String> settings) {
    this.settings = Collections.unmodifiableMap(settings);
  }

  /**
   * Recovery to the end of the backup, then promotion: {@code restore_command}, the {@code
   * recovery_end_command} that removes the WAL prefetch spool, {@code recovery_target =
   * 'immediate'}, {@code recovery_target_action = 'promote'}. A plain {@code pg_ctl start} then
   * replays exactly the WAL the backup needs and opens for writes.
   *
   * @param restoreCommand the command PostgreSQL runs to fetch a WAL file ({@code %f}, {@code %p})
   */
  public static RecoverySettings immediate(String restoreCommand) {
    Objects.requireNonNull(restoreCommand, "restoreCommand");
    if (restoreCommand.isBlank()) {
      throw new IllegalArgumentException(
          "restore_command is empty; PostgreSQL needs it to fetch WAL from the repository");
    }
    return new RecoverySettings(new LinkedHashMap<>())
        .with(RESTORE_COMMAND, restoreCommand)
        .with(RECOVERY_END_COMMAND, RestoreCommands.SPOOL_CLEANUP)
        .with(RECOVERY_TARGET, "immediate")
        .with(RECOVERY_TARGET_ACTION, "promote");
  }

  /**
   * Settings from a map, in its iteration order.
   *
   * @throws IllegalArgumentException for a malformed name or a value with a line break or NUL
   */
  public static RecoverySettings of(Map<String, String> settings) {
    RecoverySettings out = new RecoverySettings(new LinkedHashMap<>());
    for (Map.Entry<String, String> e : settings.entrySet()) {
      out = out.with(e.getKey(), e.getValue());
    }
    return out;
  }

  /**
   * These settings with {@code name} set to {@code value}: replaced in place if present, appended
   * otherwise.
   *
   * @throws IllegalArgumentException for a malformed name, or a value containing a line break or
   *     NUL, which a configuration file line cannot hold
   */
  public RecoverySettings with(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid PostgreSQL setting name '" + name + "'");
    }
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "the value of " + name + " contains a line break or NUL: " + value.replace("\n", "\\n"));
    }
    Map<String, String> copy = new LinkedHashMap<>(settings);
    copy.put(name, value);
    return new RecoverySettings(copy);
  }

  /** These settings without {@code name}. */
  public RecoverySettings without(String name) {
    Map<String, String> copy = new LinkedHashMap<>(settings);
    copy.remove(name);
    return new RecoverySettings(copy);
  }

  /** The settings in order; unmodifiable. */
  @JsonValue
  public Map<String, String> asMap() {
    return settings;
  }

  /**
   * The line {@code name = 'value'} in postgresql.conf syntax. Single quotes are doubled, and so
   * are backslashes: the configuration file parser treats a backslash in a quoted value as an
   * escape ({@code \n}, {@code \t}, octal), and {@code ALTER SYSTEM} doubles them the same way, so
   * a Windows-style path or a regex in {@code restore_command} survives unchanged.
   */
  static String line(String name, String value) {
    return name + " = '" + value.replace("\\", "\\\\").replace("'", "''") + "'";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecoverySettings other && other.settings.equals(settings);
  }

  @Override
  public int hashCode() {
    return settings.hashCode();
  }

  @Override
  public String toString() {
    return settings.toString();
  }
}

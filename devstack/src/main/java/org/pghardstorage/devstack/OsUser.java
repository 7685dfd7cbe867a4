package org.pghardstorage.devstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The OS user that runs PostgreSQL. {@code initdb} refuses to run as root, and PostgreSQL runs its
 * {@code restore_command} as its own user, so when we are root we run clusters as an unprivileged
 * system user ({@value #SERVICE_USER}, created on first use) through {@code runuser}. When we are
 * not root, clusters run as ourselves.
 */
public final class OsUser {
  /** The unprivileged user created when running as root. */
  public static final String SERVICE_USER = "pghs";

  private static volatile OsUser service;

  private final String name;
  private final boolean switching;

  private OsUser(String name, boolean switching) {
    this.name = name;
    this.switching = switching;
  }

  /** The user clusters run as, creating {@value #SERVICE_USER} if we are root and it is missing. */
  public static OsUser service() {
    OsUser u = service;
    if (u == null) {
      synchronized (OsUser.class) {
        if (service == null) {
          service = detect();
        }
        u = service;
      }
    }
    return u;
  }

  private static OsUser detect() {
    if (!isRoot()) {
      return new OsUser(System.getProperty("user.name"), false);
    }
    if (Cmd.run(List.of("id", "-u", SERVICE_USER), null, java.util.Map.of(), Duration.ofSeconds(10))
            .exitCode()
        != 0) {
      Cmd.check(
          List.of(
              "useradd",
              "--system",
              "--no-create-home",
              "--home-dir",
              "/nonexistent",
              "--shell",
              "/bin/sh",
              SERVICE_USER),
          Duration.ofSeconds(30));
    }
    return new OsUser(SERVICE_USER, true);
  }

  /** Whether this JVM runs as root. */
  public static boolean isRoot() {
    return "0".equals(Cmd.check(List.of("id", "-u"), Duration.ofSeconds(10)).output().strip());
  }

  /** The user name. */
  public String name() {
    return name;
  }

  /** {@code command} prefixed so that it runs as this user. */
  public List<String> wrap(List<String> command) {
    if (!switching) {
      return command;
    }
    List<String> out = new ArrayList<>(List.of("runuser", "-u", name, "--"));
    out.addAll(command);
    return out;
  }

  /**
   * Gives directory {@code dir} (not what is in it) this user's group, so that a group-readable
   * directory, such as a repository created with {@code repo init --group-readable}, lets this user
   * read it, and objects created in it inherit the group; a no-op when we are not root (the user is
   * then ourselves).
   */
  public void shareGroup(Path dir) {
    if (switching) {
      Cmd.check(List.of("chgrp", name, dir.toString()), Duration.ofSeconds(30));
    }
  }

  /** Gives {@code path} (recursively) to this user; a no-op when we are not root. */
  public void own(Path path) {
    if (switching) {
      Cmd.check(List.of("chown", "-R", name + ":" + name, path.toString()), Duration.ofMinutes(2));
    }
  }
}

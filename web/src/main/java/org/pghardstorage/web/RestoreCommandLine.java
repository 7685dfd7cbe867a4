package org.pghardstorage.web;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.pghardstorage.ejb.restore.RestorePlanRequest;

/**
 * The {@code pg_hardstorage restore} command line that carries out a plan on the restoring host:
 * the plan's backup (its id, not {@code latest}, so that a backup taken meanwhile does not change
 * what is restored), its data directory and the recovery target asked for, each argument quoted for
 * a POSIX shell. It holds no secret: the host's own configuration (or {@code --repo}, {@code
 * --passphrase-file}) names the repository and its key, as for any command there.
 */
final class RestoreCommandLine {
  /** What a POSIX shell takes literally, unquoted. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private RestoreCommandLine() {}

  /**
   * The command for {@code request} as planned: of deployment {@code deployment}, backup {@code
   * backupId} into {@code target} (both as the plan gives them), with {@code --preview} if {@code
   * preview}.
   */
  static String of(
      String deployment,
      String backupId,
      String target,
      RestorePlanRequest request,
      boolean preview) {
    List<String> args = new ArrayList<>();
    args.add("pg_hardstorage");
    args.add("restore");
    args.add(quote(deployment));
    args.add(quote(backupId));
    args.add("--target=" + quote(target));
    if (request.time() != null) {
      // the instant the plan recovers to, in UTC: the same moment whatever the host's zone
      args.add("--to=" + quote(OffsetDateTime.parse(request.time()).toInstant().toString()));
    } else if (request.lsn() != null) {
      args.add("--to-lsn=" + quote(request.lsn()));
    } else if (request.name() != null) {
      args.add("--to-name=" + quote(request.name()));
    } else if (request.xid() != null) {
      args.add("--to-xid=" + request.xid());
    } else if (Boolean.TRUE.equals(request.latest())) {
      args.add("--to-latest");
    }
    if (request.action() != null) {
      args.add("--to-action=" + quote(request.action()));
    }
    if (request.timeline() != null) {
      args.add("--to-timeline=" + quote(request.timeline()));
    }
    if (Boolean.TRUE.equals(request.force())) {
      args.add("--force");
    }
    if (preview) {
      args.add("--preview");
    }
    return String.join(" ", args);
  }

  /**
   * {@code value} as one word of a POSIX shell: as is when it has no character the shell treats
   * specially, else in single quotes, a single quote in it written {@code '\''}.
   */
  static String quote(String value) {
    if (PLAIN.matcher(value).matches()) {
      return value;
    }
    return "'" + value.replace("'", "'\\''") + "'";
  }
}

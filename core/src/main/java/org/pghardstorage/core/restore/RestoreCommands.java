package org.pghardstorage.core.restore;

import java.util.Objects;
import org.pghardstorage.core.repo.Deployment;

/**
 * The {@code restore_command} a restored cluster runs to fetch WAL: the command line's {@code wal
 * fetch}, by the launcher's path, from the deployment's repository. The command line and the
 * server's restore plans write the same command for the same launcher and repository.
 */
public final class RestoreCommands {
  /**
   * The directory beside {@code %p} (in {@code pg_wal}) where the background fetcher of {@code wal
   * fetch --prefetch} keeps what it fetched ahead ({@link WalSpool}).
   */
  public static final String PREFETCH_SPOOL = "pg_hardstorage_prefetch";

  /**
   * The {@code recovery_end_command} a restore writes: PostgreSQL runs it in the data directory
   * once recovery has ended, and it removes the prefetch spool (a plain shell command, so no JVM
   * starts for it). The spool is renamed first: the background fetcher writes by path, so it cannot
   * add a file to the directory being removed (which would make {@code rm} fail).
   */
  public static final String SPOOL_CLEANUP =
      "mv -f pg_wal/"
          + PREFETCH_SPOOL
          + " pg_wal/"
          + PREFETCH_SPOOL
          + ".ended 2>/dev/null; rm -rf pg_wal/"
          + PREFETCH_SPOOL
          + ".ended pg_wal/"
          + PREFETCH_SPOOL;

  private RestoreCommands() {}

  /**
   * The command.
   *
   * @param launcher the {@code pg_hardstorage} launcher as the restored server's OS user can run it
   *     (an absolute path, so nothing depends on that user's PATH)
   * @param deployment the deployment
   * @param repositoryUrl the repository URL
   */
  public static String walFetch(String launcher, Deployment deployment, String repositoryUrl) {
    return walFetch(launcher, deployment, repositoryUrl, RecoveryKey.none());
  }

  /**
   * The command, handing it the repository key as {@code key} says: a passphrase file becomes
   * {@code --passphrase-file}; nothing else can reach a command that PostgreSQL runs.
   */
  public static String walFetch(
      String launcher, Deployment deployment, String repositoryUrl, RecoveryKey key) {
    Objects.requireNonNull(launcher, "launcher");
    Objects.requireNonNull(repositoryUrl, "repositoryUrl");
    Objects.requireNonNull(key, "key");
    // PostgreSQL expands %f and %p and reads %% as a literal percent sign
    String command =
        percent(quote(launcher))
            + " wal fetch "
            + percent(quote(deployment.name()))
            + " %f %p --restore-command --prefetch 8 --output text --repo "
            + percent(quote(repositoryUrl));
    if (key instanceof RecoveryKey.PassphraseFile f) {
      command += " --passphrase-file " + percent(quote(f.file().toString()));
    }
    return command;
  }

  /** {@code s} as one POSIX shell word: bare if it is plainly safe, else single-quoted. */
  public static String quote(String s) {
    if (s.matches("[A-Za-z0-9_./:=@+-]+")) {
      return s;
    }
    return "'" + s.replace("'", "'\"'\"'") + "'";
  }

  private static String percent(String s) {
    return s.replace("%", "%%");
  }
}

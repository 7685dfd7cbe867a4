package org.pghardstorage.cli;

import java.time.Duration;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.restore.SpoolFiller;
import picocli.CommandLine.Option;

/** How far the background WAL fetcher of {@code wal fetch --prefetch} reads ahead of recovery. */
final class PrefetchOptions {
  @Option(
      names = "--prefetch",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "With the installed launcher: start one background fetcher per recovering server that"
              + " keeps up to N segments ahead of recovery in PATH's directory"
              + " (pg_hardstorage_prefetch/), from which later calls are answered without"
              + " starting Java (default: off; 0 or 1 turns it off).")
  int segments;

  @Option(
      names = "--prefetch-mib",
      paramLabel = "MIB",
      defaultValue = "512",
      description = "At most this many MiB of segments ahead (default: ${DEFAULT-VALUE}).")
  long mib;

  @Option(
      names = "--prefetch-threads",
      paramLabel = "N",
      defaultValue = "2",
      description = "Segments fetched in parallel ahead (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--prefetch-idle",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description =
          "The background fetcher stops after this long without recovery taking a segment"
              + " (default: ${DEFAULT-VALUE}); the next call that needs it starts it again.")
  long idleSeconds;

  @Option(
      names = "--prefetch-wait",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description =
          "How long a call waits for the background fetcher to answer before it starts Java"
              + " itself (default: ${DEFAULT-VALUE}; 0: never waits). The fetcher says at once"
              + " when it has no answer to give (an error, a hole).")
  long waitSeconds;

  @Option(
      names = "--prefetch-fsync",
      description =
          "fsync each segment the background fetcher spools (default: off; the spool is"
              + " discarded whenever the server starts again, so a segment an OS crash tore is"
              + " never served).")
  boolean fsync;

  /** Whether a background fetcher is wanted. */
  boolean enabled() {
    return segments > 1;
  }

  /**
   * The limits, validated.
   *
   * @throws HardstorageException {@code usage.prefetch} (USAGE) naming the bad value
   */
  SpoolFiller.Limits limits() {
    if (segments < 2
        || mib < 1
        || threads < 1
        || threads > 64
        || idleSeconds < 1
        || waitSeconds < 0
        || waitSeconds > 3600) {
      throw new HardstorageException(
          "usage.prefetch",
          ExitCode.USAGE,
          "invalid prefetch settings: --prefetch "
              + segments
              + ", --prefetch-mib "
              + mib
              + ", --prefetch-threads "
              + threads
              + ", --prefetch-idle "
              + idleSeconds
              + ", --prefetch-wait "
              + waitSeconds,
          "give --prefetch 2 or more, --prefetch-mib and --prefetch-idle of 1 or more,"
              + " --prefetch-threads from 1 to 64 and --prefetch-wait from 0 to 3600");
    }
    return new SpoolFiller.Limits(
        segments,
        mib * 1024 * 1024,
        threads,
        Duration.ofSeconds(1),
        Duration.ofSeconds(idleSeconds));
  }
}

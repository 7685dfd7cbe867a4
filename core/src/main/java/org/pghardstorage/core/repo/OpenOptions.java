package org.pghardstorage.core.repo;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How this process uses a repository: key material, upload parallelism, lock timing. Nothing here
 * is stored. Immutable; {@code with…} methods return a modified copy.
 */
public final class OpenOptions {
  private final char[] passphrase;
  private final int uploadThreads;
  private final int uploadQueue;
  private final int indexFlushPacks;
  private final Duration lockHeartbeat;
  private final Duration lockStaleAfter;
  private final Clock clock;
  private final String host;
  private final long pid;

  private OpenOptions(
      char[] passphrase,
      int uploadThreads,
      int uploadQueue,
      int indexFlushPacks,
      Duration lockHeartbeat,
      Duration lockStaleAfter,
      Clock clock,
      String host,
      long pid) {
    if (uploadThreads < 1 || uploadQueue < 0 || indexFlushPacks < 1) {
      throw new IllegalArgumentException(
          "upload threads "
              + uploadThreads
              + ", queue "
              + uploadQueue
              + " and index flush interval "
              + indexFlushPacks
              + " must be at least 1, 0 and 1");
    }
    if (lockHeartbeat.isNegative()
        || lockHeartbeat.isZero()
        || lockStaleAfter.compareTo(lockHeartbeat.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException(
          "lock stale timeout "
              + lockStaleAfter
              + " must be at least twice the heartbeat interval "
              + lockHeartbeat);
    }
    this.passphrase = passphrase;
    this.uploadThreads = uploadThreads;
    this.uploadQueue = uploadQueue;
    this.indexFlushPacks = indexFlushPacks;
    this.lockHeartbeat = lockHeartbeat;
    this.lockStaleAfter = lockStaleAfter;
    this.clock = clock;
    this.host = host;
    this.pid = pid;
  }

  /**
   * Defaults: no key material, 2 upload threads with 2 queued packs (≈ 80 MiB of packs in flight at
   * 16 MiB), an index file every 64 packs, heartbeat 5 min, stale after 30 min, system clock.
   */
  public static OpenOptions defaults() {
    return new OpenOptions(
        null,
        2,
        2,
        64,
        Duration.ofMinutes(5),
        Duration.ofMinutes(30),
        Clock.systemUTC(),
        localHost(),
        ProcessHandle.current().pid());
  }

  /** With the passphrase of an encrypted repository (copied). */
  public OpenOptions withPassphrase(char[] passphrase) {
    return new OpenOptions(
        passphrase.clone(),
        uploadThreads,
        uploadQueue,
        indexFlushPacks,
        lockHeartbeat,
        lockStaleAfter,
        clock,
        host,
        pid);
  }

  /** With {@code threads} pack upload threads and {@code queue} finished packs waiting for them. */
  public OpenOptions withUploads(int threads, int queue) {
    return new OpenOptions(
        passphrase,
        threads,
        queue,
        indexFlushPacks,
        lockHeartbeat,
        lockStaleAfter,
        clock,
        host,
        pid);
  }

  /** With an index file written after every {@code packs} uploaded packs. */
  public OpenOptions withIndexFlushEvery(int packs) {
    return new OpenOptions(
        passphrase,
        uploadThreads,
        uploadQueue,
        packs,
        lockHeartbeat,
        lockStaleAfter,
        clock,
        host,
        pid);
  }

  /** With other lock timing; {@code staleAfter} must be at least twice {@code heartbeat}. */
  public OpenOptions withLockTiming(Duration heartbeat, Duration staleAfter) {
    return new OpenOptions(
        passphrase,
        uploadThreads,
        uploadQueue,
        indexFlushPacks,
        heartbeat,
        staleAfter,
        clock,
        host,
        pid);
  }

  /** With another clock (tests) and the host name and pid written into locks. */
  public OpenOptions withIdentity(Clock clock, String host, long pid) {
    return new OpenOptions(
        passphrase,
        uploadThreads,
        uploadQueue,
        indexFlushPacks,
        lockHeartbeat,
        lockStaleAfter,
        Objects.requireNonNull(clock),
        Objects.requireNonNull(host),
        pid);
  }

  Optional<char[]> passphrase() {
    return Optional.ofNullable(passphrase).map(char[]::clone);
  }

  int uploadThreads() {
    return uploadThreads;
  }

  int uploadQueue() {
    return uploadQueue;
  }

  int indexFlushPacks() {
    return indexFlushPacks;
  }

  Duration lockHeartbeat() {
    return lockHeartbeat;
  }

  Duration lockStaleAfter() {
    return lockStaleAfter;
  }

  Clock clock() {
    return clock;
  }

  String host() {
    return host;
  }

  long pid() {
    return pid;
  }

  private static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      // Only a label in lock objects; the environment's name is the best remaining guess.
      return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown-host");
    }
  }
}

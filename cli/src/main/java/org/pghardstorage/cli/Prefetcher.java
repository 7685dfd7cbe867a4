package org.pghardstorage.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.pghardstorage.core.pg.WalSegmentName;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.repo.WalArchive;
import org.pghardstorage.core.repo.WalSegment;

/**
 * Fetches the segments after the one PostgreSQL asked for, in parallel, into a spool directory
 * beside {@code %p}, so the next {@code restore_command} calls only rename a file. Only complete
 * segments are spooled: their content never changes; a partial one may still grow.
 */
final class Prefetcher {
  private Prefetcher() {}

  static Future<List<String>> start(
      WalArchive wal, String requested, int count, int segmentSize, Path spool) {
    WalSegmentName first = WalSegmentName.parse(requested, WalSegmentSize.ofBytes(segmentSize));
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(count, 8),
            r -> {
              Thread t = new Thread(r, "pghs-prefetch-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    List<Future<Optional<String>>> jobs = new ArrayList<>();
    WalSegmentName next = first;
    for (int i = 0; i < count; i++) {
      next = next.next();
      String name = next.toString();
      jobs.add(pool.submit(() -> fetch(wal, name, spool)));
    }
    pool.shutdown();
    return java.util.concurrent.CompletableFuture.supplyAsync(
        () -> {
          List<String> done = new ArrayList<>();
          for (Future<Optional<String>> j : jobs) {
            try {
              j.get().ifPresent(done::add);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              break;
            } catch (ExecutionException e) {
              // a failed prefetch only costs a later fetch; that call reports any real failure
            }
          }
          return done;
        });
  }

  static void await(Future<List<String>> ahead) {
    try {
      ahead.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // as above: the segment PostgreSQL asked for is what matters
    }
  }

  private static Optional<String> fetch(WalArchive wal, String name, Path spool)
      throws IOException {
    Optional<WalSegment> s = wal.getSegment(name);
    if (s.isEmpty() || s.get().partial()) {
      return Optional.empty();
    }
    Files.createDirectories(spool);
    Path tmp = spool.resolve(name + ".tmp");
    Files.write(tmp, s.get().content());
    Files.move(
        tmp,
        spool.resolve(name),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    return Optional.of(name);
  }

  /** Deletes spooled segments older than {@code requested}: recovery has moved past them. */
  static void forgetOlder(Path spool, String requested) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(spool)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.compareTo(requested) < 0) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot tidy the prefetch directory " + spool, e);
    }
  }
}

package org.pghardstorage.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pghardstorage.core.error.ExitCode;

/**
 * The behaviour every {@link ObjectStore} backend must have. Each backend's test extends this class
 * and supplies a fresh, empty store; the in-memory backend passes it like every other one.
 * Published in core's test-jar for the backend modules.
 *
 * <p>The tests only use keys under one store, so a remote backend can hand out a unique prefix per
 * test. Concurrency tests use barriers and latches, never sleeps.
 */
public abstract class ObjectStoreContractTest {
  /** Size of the large-object round trip; remote backends may lower it for cost. */
  protected static final int LARGE_OBJECT_SIZE = 20 * 1024 * 1024;

  protected ObjectStore store;

  /**
   * A new, empty store. Called before every test; the store is closed after it. Backends that can
   * only reach a shared location should return a store scoped to a fresh unique prefix.
   */
  protected abstract ObjectStore newStore() throws Exception;

  /** Threads used by the concurrency tests. */
  protected int concurrency() {
    return 8;
  }

  /**
   * Whether the server behind this backend's tests lists objects still being written under
   * temporary names of its own. No production backend may; a backend test whose only obtainable
   * server does says so and why, and the listing test then checks the objects it wrote, not the
   * server's temporary ones.
   */
  protected boolean testServerListsTemporaryObjects() {
    return false;
  }

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
    assertThat(store.list("")).as("a new store must be empty").isEmpty();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  // ---- putIfAbsent --------------------------------------------------------------------------

  @Test
  void putIfAbsentCreatesTheObject() {
    ObjectKey key = ObjectKey.of("data/ab/abcdef");

    assertThat(store.putIfAbsent(key, bytes("hello"))).isTrue();

    assertThat(store.get(key)).isEqualTo(bytes("hello"));
    assertThat(store.stat(key)).map(ObjectInfo::size).contains(5L);
  }

  @Test
  void putIfAbsentOnAnExistingKeyReturnsFalseAndLeavesTheContent() {
    ObjectKey key = ObjectKey.of("locks/exclusive");
    store.putIfAbsent(key, bytes("first"));

    assertThat(store.putIfAbsent(key, bytes("second, longer"))).isFalse();

    assertThat(store.get(key)).isEqualTo(bytes("first"));
    assertThat(store.stat(key)).map(ObjectInfo::size).contains(5L);
    assertThat(store.list("locks/")).hasSize(1);
  }

  @Test
  void putIfAbsentStoresAnEmptyObject() {
    ObjectKey key = ObjectKey.of("empty");

    assertThat(store.putIfAbsent(key, new byte[0])).isTrue();

    assertThat(store.get(key)).isEmpty();
    assertThat(store.stat(key)).map(ObjectInfo::size).contains(0L);
    assertThat(keys(store.list(""))).containsExactly("empty");
  }

  @Test
  @Timeout(120)
  void concurrentPutIfAbsentOnOneKeyHasExactlyOneWinnerWhoseContentIsStored() throws Exception {
    int threads = concurrency();
    try (Workers workers = new Workers(threads)) {
      for (int round = 0; round < 20; round++) {
        ObjectKey key = ObjectKey.of("race/r" + round + "/object");
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          byte[] content = patterned(64 * 1024 + t, t);
          results.add(
              workers.submit(
                  () -> {
                    start.await(30, TimeUnit.SECONDS);
                    return store.putIfAbsent(key, content);
                  }));
        }
        List<Integer> winners = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          if (results.get(t).get(60, TimeUnit.SECONDS)) {
            winners.add(t);
          }
        }

        assertThat(winners).as("winners of round %d", round).hasSize(1);
        int winner = winners.get(0);
        assertThat(store.get(key)).isEqualTo(patterned(64 * 1024 + winner, winner));
        assertThat(store.list("race/r" + round + "/")).hasSize(1);
      }
    }
  }

  // ---- put ----------------------------------------------------------------------------------

  @Test
  void putCreatesAMissingObject() {
    ObjectKey key = ObjectKey.of("wal/db1/000000010000000000000001.partial");

    store.put(key, bytes("partial"));

    assertThat(store.get(key)).isEqualTo(bytes("partial"));
  }

  @Test
  void putReplacesTheContentAndSize() {
    ObjectKey key = ObjectKey.of("locks/heartbeat");
    store.put(key, bytes("a longer first version"));

    store.put(key, bytes("short"));

    assertThat(store.get(key)).isEqualTo(bytes("short"));
    assertThat(store.stat(key)).map(ObjectInfo::size).contains(5L);
    assertThat(store.list("locks/")).hasSize(1);
  }

  @Test
  void putOverAnObjectCreatedByPutIfAbsentReplacesIt() {
    ObjectKey key = ObjectKey.of("k");
    store.putIfAbsent(key, bytes("one"));

    store.put(key, bytes("two"));

    assertThat(store.get(key)).isEqualTo(bytes("two"));
    assertThat(store.putIfAbsent(key, bytes("three"))).isFalse();
  }

  @Test
  @Timeout(120)
  void concurrentReadersDuringReplacementSeeTheOldOrTheNewContentNeverAMix() throws Exception {
    ObjectKey key = ObjectKey.of("wal/db1/current.partial");
    int versions = 200;
    store.put(key, version(0));
    int readers = Math.max(1, concurrency() - 1);
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger reads = new AtomicInteger();
    CountDownLatch readersRunning = new CountDownLatch(readers);
    try (Workers workers = new Workers(readers + 1)) {
      List<Future<?>> readerResults = new ArrayList<>();
      for (int r = 0; r < readers; r++) {
        readerResults.add(
            workers.submit(
                () -> {
                  readersRunning.countDown();
                  int lastSeen = 0;
                  do {
                    byte[] seen = store.get(key);
                    int v = assertWholeVersion(seen);
                    assertThat(v).as("versions never go back").isGreaterThanOrEqualTo(lastSeen);
                    lastSeen = v;
                    reads.incrementAndGet();
                  } while (writing.get());
                  return null;
                }));
      }
      Future<?> writer =
          workers.submit(
              () -> {
                readersRunning.await(30, TimeUnit.SECONDS);
                try {
                  for (int v = 1; v <= versions; v++) {
                    store.put(key, version(v));
                  }
                } finally {
                  writing.set(false);
                }
                return null;
              });

      writer.get(100, TimeUnit.SECONDS);
      for (Future<?> reader : readerResults) {
        reader.get(100, TimeUnit.SECONDS);
      }
    }
    assertThat(reads.get()).isGreaterThanOrEqualTo(readers);
    assertThat(store.get(key)).isEqualTo(version(versions));
  }

  // ---- get / getRange -----------------------------------------------------------------------

  @Test
  void getAndGetRangeOfAMissingObjectThrowNotFoundCarryingTheKey() {
    ObjectKey key = ObjectKey.of("data/00/missing");

    for (Runnable call : List.<Runnable>of(() -> store.get(key), () -> store.getRange(key, 0, 0))) {
      assertThatThrownBy(call::run)
          .isInstanceOfSatisfying(
              ObjectNotFoundException.class,
              e -> {
                assertThat(e.key()).isEqualTo(key);
                assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
                assertThat(e.code()).isEqualTo("storage.not_found");
              })
          .hasMessageContaining("data/00/missing");
    }
  }

  @Test
  void getRangeReadsInteriorAndEdgeRanges() {
    ObjectKey key = ObjectKey.of("packs/p1");
    byte[] data = patterned(1000, 7);
    store.putIfAbsent(key, data);

    assertThat(store.getRange(key, 0, 1000)).isEqualTo(data);
    assertThat(store.getRange(key, 0, 1)).isEqualTo(slice(data, 0, 1));
    assertThat(store.getRange(key, 999, 1)).isEqualTo(slice(data, 999, 1));
    assertThat(store.getRange(key, 123, 456)).isEqualTo(slice(data, 123, 456));
    assertThat(store.getRange(key, 0, 0)).isEmpty();
    assertThat(store.getRange(key, 500, 0)).isEmpty();
    assertThat(store.getRange(key, 1000, 0)).as("empty range at the end").isEmpty();
  }

  @Test
  void getRangePastTheEndIsARangeErrorNamingKeyRangeAndSize() {
    ObjectKey key = ObjectKey.of("packs/p2");
    store.putIfAbsent(key, patterned(100, 1));

    for (long[] range : new long[][] {{0, 101}, {100, 1}, {99, 2}, {101, 0}, {5000, 10}}) {
      assertThatThrownBy(() -> store.getRange(key, range[0], (int) range[1]))
          .isInstanceOfSatisfying(
              RangeOutsideObjectException.class, e -> assertThat(e.size()).isEqualTo(100))
          .hasMessageContaining("packs/p2")
          .hasMessageContaining(String.valueOf(range[0]))
          .hasMessageContaining("100");
    }
    assertThatThrownBy(() -> store.getRange(key, Long.MAX_VALUE, 1))
        .isInstanceOf(RangeOutsideObjectException.class);
  }

  @Test
  void getRangeRejectsNegativeArguments() {
    ObjectKey key = ObjectKey.of("packs/p3");
    store.putIfAbsent(key, patterned(10, 1));

    assertThatThrownBy(() -> store.getRange(key, -1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> store.getRange(key, 0, -5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-5");
  }

  @Test
  void emptyObjectsHaveOnlyTheEmptyRange() {
    ObjectKey key = ObjectKey.of("zero");
    store.put(key, new byte[0]);

    assertThat(store.get(key)).isEmpty();
    assertThat(store.getRange(key, 0, 0)).isEmpty();
    assertThatThrownBy(() -> store.getRange(key, 0, 1))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("zero");
  }

  @Test
  void binaryContentWithEveryByteValueRoundTrips() {
    ObjectKey key = ObjectKey.of("binary");
    byte[] data = new byte[256 * 4];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) i;
    }
    store.putIfAbsent(key, data);

    assertThat(store.get(key)).isEqualTo(data);
    assertThat(store.getRange(key, 250, 12)).isEqualTo(slice(data, 250, 12));
  }

  @Test
  void aLargeObjectRoundTrips() {
    ObjectKey key = ObjectKey.of("packs/large");
    byte[] data = new byte[LARGE_OBJECT_SIZE];
    new Random(42).nextBytes(data);

    assertThat(store.putIfAbsent(key, data)).isTrue();

    assertThat(store.stat(key)).map(ObjectInfo::size).contains((long) LARGE_OBJECT_SIZE);
    assertThat(Arrays.equals(store.get(key), data)).as("whole object equal").isTrue();
    int middle = LARGE_OBJECT_SIZE / 2;
    assertThat(store.getRange(key, middle - 1000, 3 * 1024 * 1024))
        .isEqualTo(slice(data, middle - 1000, 3 * 1024 * 1024));
    assertThat(store.getRange(key, LARGE_OBJECT_SIZE - 10, 10))
        .isEqualTo(slice(data, LARGE_OBJECT_SIZE - 10, 10));
  }

  @Test
  void arraysAreCopiedInAndOut() {
    ObjectKey key = ObjectKey.of("aliasing");
    byte[] in = bytes("original");
    store.putIfAbsent(key, in);
    in[0] = 'X';

    byte[] out = store.get(key);
    out[1] = 'Y';

    assertThat(store.get(key)).isEqualTo(bytes("original"));
  }

  // ---- stat ---------------------------------------------------------------------------------

  @Test
  void statOfAPresentObjectGivesKeySizeAndAPlausibleTime() {
    ObjectKey key = ObjectKey.of("manifests/b1");
    Instant before = Instant.now().minus(Duration.ofMinutes(10));
    store.putIfAbsent(key, patterned(77, 3));

    Optional<ObjectInfo> info = store.stat(key);

    assertThat(info).isPresent();
    assertThat(info.get().key()).isEqualTo(key);
    assertThat(info.get().size()).isEqualTo(77);
    assertThat(info.get().lastModified())
        .isBetween(before, Instant.now().plus(Duration.ofMinutes(10)));
  }

  @Test
  void statOfAMissingObjectIsEmpty() {
    store.putIfAbsent(ObjectKey.of("manifests/b1"), bytes("x"));

    assertThat(store.stat(ObjectKey.of("manifests/b2"))).isEmpty();
    assertThat(store.stat(ObjectKey.of("manifests"))).as("a prefix is not an object").isEmpty();
    assertThat(store.stat(ObjectKey.of("elsewhere/b1"))).isEmpty();
  }

  // ---- list ---------------------------------------------------------------------------------

  private static final List<String> LISTING_KEYS =
      List.of(
          "wal/db1/000000010000000000000002",
          "wal/db1/000000010000000000000001",
          "wal/db1/000000020000000000000001",
          "wal/db10/x",
          "wal/db2/y",
          "walnut",
          "data/ab/abc",
          "data/ab/abd",
          "data/ab/sub/deeper/e",
          "data/ac/x",
          "z");

  private void putListingKeys() {
    for (String key : LISTING_KEYS) {
      store.putIfAbsent(ObjectKey.of(key), bytes(key));
    }
  }

  @Test
  void listWithAnEmptyPrefixReturnsEverythingSortedByKey() {
    putListingKeys();

    List<ObjectInfo> all = store.list("");

    assertThat(keys(all)).isEqualTo(LISTING_KEYS.stream().sorted().toList());
    for (ObjectInfo info : all) {
      assertThat(info.size()).isEqualTo(info.key().value().length());
    }
  }

  @Test
  void listUsesPlainStringPrefixesNotDirectories() {
    putListingKeys();

    assertThat(keys(store.list("wal/db1/")))
        .containsExactly(
            "wal/db1/000000010000000000000001",
            "wal/db1/000000010000000000000002",
            "wal/db1/000000020000000000000001");
    assertThat(keys(store.list("wal/db1")))
        .as("a prefix that ends inside a segment matches longer segments")
        .containsExactly(
            "wal/db1/000000010000000000000001",
            "wal/db1/000000010000000000000002",
            "wal/db1/000000020000000000000001",
            "wal/db10/x");
    assertThat(keys(store.list("wal/db1/00000001")))
        .containsExactly("wal/db1/000000010000000000000001", "wal/db1/000000010000000000000002");
    assertThat(keys(store.list("wa")))
        .containsExactly(
            "wal/db1/000000010000000000000001",
            "wal/db1/000000010000000000000002",
            "wal/db1/000000020000000000000001",
            "wal/db10/x",
            "wal/db2/y",
            "walnut");
    assertThat(keys(store.list("data/")))
        .as("nested prefixes are listed recursively")
        .containsExactly("data/ab/abc", "data/ab/abd", "data/ab/sub/deeper/e", "data/ac/x");
    assertThat(keys(store.list("data/ab/abc"))).containsExactly("data/ab/abc");
  }

  @Test
  @Timeout(120)
  void listingDuringWritesShowsOnlyCompleteObjects() throws Exception {
    int size = 256 * 1024;
    int objects = 40;
    AtomicBoolean writing = new AtomicBoolean(true);
    CountDownLatch listerRunning = new CountDownLatch(1);
    try (Workers workers = new Workers(2)) {
      Future<Integer> lister =
          workers.submit(
              () -> {
                listerRunning.countDown();
                int seen = 0;
                do {
                  for (ObjectInfo info : store.list("growing/")) {
                    if (testServerListsTemporaryObjects()
                        && !info.key().name().matches("o\\d+|replaced")) {
                      continue;
                    }
                    assertThat(info.size()).as("listed size of %s", info.key()).isEqualTo(size);
                    seen++;
                  }
                } while (writing.get());
                return seen;
              });
      Future<?> writer =
          workers.submit(
              () -> {
                listerRunning.await(30, TimeUnit.SECONDS);
                try {
                  for (int i = 0; i < objects; i++) {
                    store.putIfAbsent(ObjectKey.of("growing/o" + i), patterned(size, i));
                    store.put(ObjectKey.of("growing/replaced"), patterned(size, i));
                  }
                } finally {
                  writing.set(false);
                }
                return null;
              });

      writer.get(100, TimeUnit.SECONDS);
      lister.get(100, TimeUnit.SECONDS);
    }
    assertThat(store.list("growing/")).hasSize(objects + 1);
  }

  @Test
  void listWithAPrefixNothingMatchesIsEmpty() {
    putListingKeys();

    assertThat(store.list("nothing")).isEmpty();
    assertThat(store.list("data/ab/abc/")).as("an object is not a directory").isEmpty();
    assertThat(store.list("data/zz/")).isEmpty();
    assertThat(store.list("wal/db1/1")).isEmpty();
    assertThat(store.list("../")).as("no key can start with ..").isEmpty();
    assertThat(store.list("/wal")).as("keys are relative").isEmpty();
    assertThat(store.list("wal//")).isEmpty();
    assertThat(store.list("wal/.")).isEmpty();
  }

  // ---- delete -------------------------------------------------------------------------------

  @Test
  void deleteRemovesTheObjectFromGetStatAndList() {
    putListingKeys();
    ObjectKey key = ObjectKey.of("data/ab/abc");

    store.delete(key);

    assertThat(store.stat(key)).isEmpty();
    assertThatThrownBy(() -> store.get(key)).isInstanceOf(ObjectNotFoundException.class);
    assertThat(keys(store.list("data/ab/"))).containsExactly("data/ab/abd", "data/ab/sub/deeper/e");
  }

  @Test
  void deleteIsIdempotent() {
    ObjectKey key = ObjectKey.of("locks/exclusive");
    store.putIfAbsent(key, bytes("held"));

    store.delete(key);

    assertThatCode(() -> store.delete(key)).doesNotThrowAnyException();
    assertThatCode(() -> store.delete(ObjectKey.of("never/existed/at/all")))
        .doesNotThrowAnyException();
    assertThat(store.list("")).isEmpty();
  }

  @Test
  void aDeletedKeyCanBeCreatedAgain() {
    ObjectKey key = ObjectKey.of("locks/a/b/exclusive");
    store.putIfAbsent(key, bytes("first holder"));
    store.delete(key);

    assertThat(store.putIfAbsent(key, bytes("second holder"))).isTrue();

    assertThat(store.get(key)).isEqualTo(bytes("second holder"));
  }

  @Test
  void deletingEverythingUnderAPrefixEmptiesItsListing() {
    putListingKeys();

    for (ObjectInfo info : store.list("data/")) {
      store.delete(info.key());
    }

    assertThat(store.list("data/")).isEmpty();
    assertThat(store.list("data")).isEmpty();
    assertThat(keys(store.list(""))).hasSize(LISTING_KEYS.size() - 4);
    assertThat(store.putIfAbsent(ObjectKey.of("data/ab/abc"), bytes("again"))).isTrue();
  }

  @Test
  @Timeout(120)
  void writersAndDeletersUnderOnePrefixDoNotDisturbEachOther() throws Exception {
    // On hierarchical backends the deleter removes directories it empties while the writer
    // creates a new object in them; the writer's object must survive.
    try (Workers workers = new Workers(2)) {
      for (int round = 0; round < 100; round++) {
        ObjectKey old = ObjectKey.of("churn/d/sub/old-" + round);
        ObjectKey fresh = ObjectKey.of("churn/d/sub/new-" + round);
        byte[] freshContent = bytes("new " + round);
        store.putIfAbsent(old, bytes("old"));
        CyclicBarrier start = new CyclicBarrier(2);
        Future<?> deleter =
            workers.submit(
                () -> {
                  start.await(30, TimeUnit.SECONDS);
                  store.delete(old);
                  return null;
                });
        Future<Boolean> writer =
            workers.submit(
                () -> {
                  start.await(30, TimeUnit.SECONDS);
                  return store.putIfAbsent(fresh, freshContent);
                });
        deleter.get(60, TimeUnit.SECONDS);

        assertThat(writer.get(60, TimeUnit.SECONDS)).isTrue();
        assertThat(store.get(fresh)).isEqualTo(freshContent);
        assertThat(store.stat(old)).isEmpty();
        store.delete(fresh);
        assertThat(store.list("churn/")).isEmpty();
      }
    }
  }

  // ---- keys ---------------------------------------------------------------------------------

  @Test
  void longAndDeeplyNestedKeysWork() {
    String segment = "s".repeat(ObjectKey.MAX_SEGMENT_LENGTH);
    ObjectKey longest = ObjectKey.of(String.join("/", segment, segment, segment, "x".repeat(132)));
    ObjectKey deep = ObjectKey.of("a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p");
    assertThat(longest.value()).hasSize(ObjectKey.MAX_LENGTH);

    store.putIfAbsent(longest, bytes("long"));
    store.putIfAbsent(deep, bytes("deep"));

    assertThat(store.get(longest)).isEqualTo(bytes("long"));
    assertThat(store.get(deep)).isEqualTo(bytes("deep"));
    assertThat(keys(store.list(""))).containsExactly(deep.value(), longest.value());
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  @Test
  void aClosedStoreRefusesEveryCallButDescribeAndClose() {
    ObjectKey key = ObjectKey.of("k");
    store.putIfAbsent(key, bytes("v"));
    String description = store.describe();

    store.close();

    List<Consumer<ObjectStore>> calls =
        List.of(
            s -> s.putIfAbsent(key, bytes("w")),
            s -> s.put(key, bytes("w")),
            s -> s.get(key),
            s -> s.getRange(key, 0, 1),
            s -> s.stat(key),
            s -> s.list(""),
            s -> s.delete(key));
    for (Consumer<ObjectStore> call : calls) {
      assertThatThrownBy(() -> call.accept(store))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
    }
    assertThat(store.describe()).isEqualTo(description);
    assertThatCode(store::close).doesNotThrowAnyException();
  }

  @Test
  void describeNamesTheLocation() {
    assertThat(store.describe()).isNotBlank();
  }

  // ---- helpers ------------------------------------------------------------------------------

  protected static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  protected static List<String> keys(List<ObjectInfo> infos) {
    return infos.stream().map(i -> i.key().value()).toList();
  }

  /** Deterministic content that differs per {@code seed} in every byte position. */
  protected static byte[] patterned(int size, int seed) {
    byte[] data = new byte[size];
    for (int i = 0; i < size; i++) {
      data[i] = (byte) (i * 31 + seed * 17 + (i >>> 8));
    }
    return data;
  }

  private static byte[] slice(byte[] data, int offset, int length) {
    return Arrays.copyOfRange(data, offset, offset + length);
  }

  /** Version {@code v}: every byte is {@code v}, and the length encodes {@code v} too. */
  private static byte[] version(int v) {
    byte[] data = new byte[16 * 1024 + v * 7];
    Arrays.fill(data, (byte) v);
    return data;
  }

  private static int assertWholeVersion(byte[] seen) {
    int v = seen[0] & 0xff;
    assertThat(seen.length).as("length of version %d", v).isEqualTo(16 * 1024 + v * 7);
    for (int i = 0; i < seen.length; i++) {
      if (seen[i] != (byte) v) {
        throw new AssertionError("mixed content: byte " + i + " is " + seen[i] + ", not " + v);
      }
    }
    return v;
  }

  /** A named, explicitly closed pool for the concurrency tests. */
  protected static final class Workers implements AutoCloseable {
    private final ExecutorService pool;

    public Workers(int threads) {
      AtomicInteger n = new AtomicInteger();
      ThreadFactory named =
          r -> {
            Thread t = new Thread(r, "contract-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
          };
      pool = Executors.newFixedThreadPool(threads, named);
    }

    public <T> Future<T> submit(Callable<T> task) {
      return pool.submit(task);
    }

    @Override
    public void close() throws InterruptedException {
      pool.shutdownNow();
      if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
        throw new AssertionError("contract test workers did not stop within 30 s");
      }
    }
  }
}

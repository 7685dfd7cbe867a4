package org.pghardstorage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.pg.WalSegmentSize;
import org.pghardstorage.core.restore.WalSpool;

/**
 * The launcher's restore_command fast path, run by dash with {@code -u} exactly as PostgreSQL runs
 * it (in the data directory, {@code %p} relative): it answers from the spool without starting Java
 * only for what the fetcher of this server run and these arguments vouches for, and hands
 * everything else to Java. Java is a named fake ({@code fake-java}) that records each start and
 * exits with a chosen status; the fetcher is this test's own process, which holds the spool.
 */
class LauncherSpoolTest {
  private static final int SEGMENT = 1 << 20;
  private static final String SEG = "000000010000000000000022";
  private static final String NEXT = "000000010000000000000023";

  /** As restore writes them, but without waiting for a fetcher (the fake one never answers). */
  private static final List<String> OPTIONS =
      List.of(
          "--restore-command",
          "--prefetch",
          "8",
          "--prefetch-wait",
          "0",
          "--output",
          "text",
          "--repo",
          "file:///r");

  @TempDir Path tmp;
  private Path launcher;
  private Path fakeJava;
  private Path javaLog;
  private Path data;
  private WalSpool spool;

  @BeforeEach
  void install() throws IOException {
    Path home = tmp.resolve("inst");
    Files.createDirectories(home.resolve("bin"));
    Files.createDirectories(home.resolve("lib"));
    launcher = home.resolve("bin/pg_hardstorage");
    Files.copy(Path.of("src/main/dist/bin/pg_hardstorage"), launcher);
    javaLog = tmp.resolve("java-starts.log");
    fakeJava = tmp.resolve("fake-java");
    Files.writeString(
        fakeJava,
        "#!/bin/sh\n"
            + "# fake-java: records its start (the arguments after the class name), then exits\n"
            + "for a in \"$@\"; do shift; [ \"$a\" = org.pghardstorage.cli.Main ] && break; done\n"
            + "echo \"$*\" >>\""
            + javaLog
            + "\"\n"
            + "exit \"${FAKE_JAVA_EXIT:-0}\"\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
    data = tmp.resolve("data");
    Files.createDirectories(data.resolve("pg_wal"));
    serverStarted("1700000000");
  }

  @AfterEach
  void release() throws IOException {
    if (spool != null) {
      spool.close();
    }
  }

  private void serverStarted(String at) throws IOException {
    Files.writeString(
        data.resolve("postmaster.pid"),
        ProcessHandle.current().pid() + "\n" + data + "\n" + at + "\n5432\n/tmp\n*\n1\nready\n");
  }

  private Path spoolDir() {
    return data.resolve("pg_wal/pg_hardstorage_prefetch");
  }

  /** Takes the spool as a fetcher of this server run would, for {@code options}. */
  private WalSpool takeSpool(List<String> options) throws IOException {
    List<String> lines = new ArrayList<>(List.of("db1"));
    lines.addAll(options);
    spool = WalSpool.take(spoolDir(), WalSpool.Identity.of(data, lines)).orElseThrow();
    return spool;
  }

  private static byte[] segment(long number) {
    byte[] b = new byte[SEGMENT];
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    buf.putShort(0, (short) 0xD118);
    buf.putShort(2, (short) 2);
    buf.putInt(4, 1);
    buf.putLong(8, number * SEGMENT);
    b[SEGMENT / 2] = (byte) number;
    return b;
  }

  private record Run(int exit, String stdout, String stderr) {}

  private Run fetch(String file, List<String> options, String javaExit)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "dash",
                "-u",
                launcher.toString(),
                "wal",
                "fetch",
                "db1",
                file,
                "pg_wal/RECOVERYXLOG"));
    cmd.addAll(options);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(data.toFile());
    pb.environment().put("PGHS_JAVA", fakeJava.toString());
    pb.environment().put("FAKE_JAVA_EXIT", javaExit);
    pb.environment().remove("PGHS_JAVA_OPTS");
    // the launcher's class data cache goes here, not into the home of whoever runs the tests
    pb.environment().remove("HOME");
    pb.environment().remove("XDG_CACHE_HOME");
    pb.environment().put("TMPDIR", tmp.toString());
    Path out = tmp.resolve("out");
    Path err = tmp.resolve("err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private List<String> javaStarts() throws IOException {
    return Files.exists(javaLog) ? Files.readAllLines(javaLog) : List.of();
  }

  /** Waits for {@code n} recorded starts (a detached one may record after the launcher exits). */
  private List<String> awaitJavaStarts(int n) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (javaStarts().size() < n && Instant.now().isBefore(deadline)) {
      Thread.sleep(20);
    }
    return javaStarts();
  }

  @Test
  void aSpooledSegmentIsServedByRenameWithoutStartingJava() throws Exception {
    takeSpool(OPTIONS).publishSegment(SEG, segment(0x22), WalSegmentSize.ofBytes(SEGMENT));
    Run r = fetch(SEG, OPTIONS, "0");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.stdout()).contains("fetched " + SEG + " (from the spool)");
    assertThat(Files.readAllBytes(data.resolve("pg_wal/RECOVERYXLOG"))).isEqualTo(segment(0x22));
    assertThat(spoolDir().resolve(SEG)).doesNotExist();
    assertThat(javaStarts()).isEmpty();
  }

  @Test
  void aNegativeAnswerIsServedOnlyWhileItsFetcherLives() throws Exception {
    takeSpool(OPTIONS).publishAbsent(NEXT, "it is past the newest archived WAL of timeline 1");
    Run r = fetch(NEXT, OPTIONS, "0");
    assertThat(r.exit()).as(r.toString()).isEqualTo(1);
    assertThat(r.stdout()).contains("past the newest archived WAL of timeline 1");
    assertThat(javaStarts()).isEmpty();

    // the fetcher was killed: its pid file stays, naming a process that is gone
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.writeString(spoolDir().resolve(WalSpool.PID), gone.pid() + " 12345\n");
    Run dead = fetch(NEXT, OPTIONS, "0");
    assertThat(dead.exit()).as("Java answered: %s", dead).isZero();
    assertThat(awaitJavaStarts(2))
        .as("a new fetcher is started, and the foreground call answers")
        .containsExactlyInAnyOrder(
            String.join(" ", fetchArgs("spool", NEXT)), String.join(" ", fetchArgs("fetch", NEXT)));
  }

  private static List<String> fetchArgs(String verb, String file) {
    return argsOf(verb, file, OPTIONS);
  }

  @Test
  void aCallWaitsForTheFetcherAndTellsItWhereRecoveryIs() throws Exception {
    List<String> waiting = new ArrayList<>(OPTIONS);
    waiting.set(waiting.indexOf("--prefetch-wait") + 1, "60");
    WalSpool spool = takeSpool(waiting);
    Thread fetcher =
        new Thread(
            () -> {
              // as the fetcher does: the launcher's hint names the file, then it appears
              try {
                while (!Files.exists(spoolDir().resolve(WalSpool.WANT))) {
                  Thread.sleep(10);
                }
                String want = spool.takeHint().orElseThrow();
                spool.publishSegment(want, segment(0x22), WalSegmentSize.ofBytes(SEGMENT));
              } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
              }
            },
            "test-fetcher");
    fetcher.start();
    Run r = fetch(SEG, waiting, "0");
    fetcher.join();
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.stdout()).contains("(from the spool)");
    assertThat(Files.readAllBytes(data.resolve("pg_wal/RECOVERYXLOG"))).isEqualTo(segment(0x22));
    assertThat(javaStarts()).isEmpty();
  }

  @Test
  void aCallDoesNotWaitForTheFetcherOfOtherArguments() throws Exception {
    List<String> waiting = new ArrayList<>(OPTIONS);
    waiting.set(waiting.indexOf("--prefetch-wait") + 1, "600");
    List<String> otherRepo = new ArrayList<>(waiting);
    otherRepo.set(otherRepo.size() - 1, "file:///other");
    takeSpool(otherRepo);
    assertThat(fetch(SEG, waiting, "0").exit()).isZero();
    assertThat(javaStarts()).containsExactly(String.join(" ", argsOf("fetch", SEG, waiting)));
  }

  private static List<String> argsOf(String verb, String file, List<String> options) {
    List<String> all = new ArrayList<>(List.of("wal", verb, "db1", file, "pg_wal/RECOVERYXLOG"));
    all.addAll(options);
    return all;
  }

  @Test
  void whenTheFetcherHasNoAnswerToCacheJavaIsAskedAtOnce() throws Exception {
    List<String> waiting = new ArrayList<>(OPTIONS);
    waiting.set(waiting.indexOf("--prefetch-wait") + 1, "600");
    takeSpool(waiting).askJava(SEG);
    assertThat(fetch(SEG, waiting, "0").exit()).isZero();
    assertThat(javaStarts()).hasSize(1);
    assertThat(spoolDir().resolve(WalSpool.WANT)).as("it did not wait").doesNotExist();
  }

  @Test
  void aPartialSegmentIsCopiedWhileItsFetcherLives() throws Exception {
    WalSpool spool = takeSpool(OPTIONS);
    spool.publishPartial(SEG, segment(0x22), WalSegmentSize.ofBytes(SEGMENT));
    for (int call = 0; call < 2; call++) {
      Run r = fetch(SEG, OPTIONS, "0");
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(r.stdout()).contains("partial, zero-padded, from the spool");
      assertThat(Files.readAllBytes(data.resolve("pg_wal/RECOVERYXLOG"))).isEqualTo(segment(0x22));
      Files.delete(data.resolve("pg_wal/RECOVERYXLOG"));
    }
    assertThat(javaStarts()).isEmpty();
    Files.writeString(spoolDir().resolve(WalSpool.PID), "1 1\n");
    assertThat(fetch(SEG, OPTIONS, "0").exit()).isZero();
    assertThat(javaStarts()).as("a dead fetcher's partial is not served").isNotEmpty();
  }

  @Test
  void aHistoryProbeTheRepositoryCalledAbsentIsServed() throws Exception {
    takeSpool(OPTIONS).publishAbsent("00000002.history", "timeline 2 was never archived");
    Run r = fetch("00000002.history", OPTIONS, "0");
    assertThat(r.exit()).as(r.toString()).isEqualTo(1);
    assertThat(javaStarts()).isEmpty();
  }

  @Test
  void aSpoolOfAnEarlierRunOfTheServerIsNotServed() throws Exception {
    takeSpool(OPTIONS).publishSegment(SEG, segment(0x22), WalSegmentSize.ofBytes(SEGMENT));
    serverStarted("1700000555");
    Run r = fetch(SEG, OPTIONS, "0");
    assertThat(r.exit()).isZero();
    assertThat(spoolDir().resolve(SEG)).as("left alone").exists();
    assertThat(data.resolve("pg_wal/RECOVERYXLOG"))
        .as("the fake Java wrote nothing")
        .doesNotExist();
    assertThat(javaStarts()).contains(String.join(" ", fetchArgs("fetch", SEG)));
  }

  @Test
  void aSpoolForOtherArgumentsIsNotServed() throws Exception {
    List<String> otherRepo = new ArrayList<>(OPTIONS);
    otherRepo.set(otherRepo.size() - 1, "file:///other");
    WalSpool other = takeSpool(otherRepo);
    other.publishSegment(SEG, segment(0x22), WalSegmentSize.ofBytes(SEGMENT));
    other.publishAbsent(NEXT, "past the end");
    assertThat(fetch(SEG, OPTIONS, "0").exit()).isZero();
    assertThat(fetch(NEXT, OPTIONS, "0").exit()).isZero();
    assertThat(spoolDir().resolve(SEG)).exists();
    assertThat(javaStarts())
        .contains(String.join(" ", fetchArgs("fetch", SEG)))
        .contains(String.join(" ", fetchArgs("fetch", NEXT)));
  }

  @Test
  void halfWrittenPlantedAndLinkedFilesAreNeverServed() throws Exception {
    takeSpool(OPTIONS);
    byte[] full = segment(0x22);
    // as a fetcher killed mid-write leaves it
    Files.write(spoolDir().resolve(".tmp-" + SEG), java.util.Arrays.copyOf(full, SEGMENT / 3));
    // a link to a file elsewhere, under the segment's name
    Path elsewhere = tmp.resolve("elsewhere");
    Files.write(elsewhere, full);
    Files.createSymbolicLink(spoolDir().resolve(SEG), elsewhere);
    Files.writeString(spoolDir().resolve(NEXT + ".absent.tmp"), "garbage\n");
    assertThat(fetch(SEG, OPTIONS, "0").exit()).isZero();
    assertThat(fetch(NEXT, OPTIONS, "0").exit()).isZero();
    assertThat(data.resolve("pg_wal/RECOVERYXLOG")).doesNotExist();
    assertThat(javaStarts())
        .containsExactly(
            String.join(" ", fetchArgs("fetch", SEG)), String.join(" ", fetchArgs("fetch", NEXT)));
  }

  @Test
  void aSpoolWithoutOwnerIsNotServedAndStartsAFetcher() throws Exception {
    Files.createDirectories(spoolDir());
    Files.write(spoolDir().resolve(SEG), segment(0x22));
    assertThat(fetch(SEG, OPTIONS, "0").exit()).isZero();
    assertThat(spoolDir().resolve(SEG)).exists();
    assertThat(awaitJavaStarts(2))
        .containsExactlyInAnyOrder(
            String.join(" ", fetchArgs("spool", SEG)), String.join(" ", fetchArgs("fetch", SEG)));
    assertThat(spoolDir().resolve(WalSpool.STARTING))
        .hasContent(ProcessHandle.current().pid() + " 1700000000\n");

    // the fetcher is still starting (the fake one never does): the next call starts no other
    assertThat(fetch(NEXT, OPTIONS, "0").exit()).isZero();
    assertThat(javaStarts())
        .containsExactlyInAnyOrder(
            String.join(" ", fetchArgs("spool", SEG)),
            String.join(" ", fetchArgs("fetch", SEG)),
            String.join(" ", fetchArgs("fetch", NEXT)));

    // a marker of an earlier run of the server does not hold a new one back
    serverStarted("1700000777");
    assertThat(fetch(NEXT, OPTIONS, "0").exit()).isZero();
    assertThat(awaitJavaStarts(5)).contains(String.join(" ", fetchArgs("spool", NEXT)));
  }

  @Test
  void withoutPrefetchThereIsNoFastPathAndNoFetcher() throws Exception {
    takeSpool(OPTIONS).publishSegment(SEG, segment(0x22), WalSegmentSize.ofBytes(SEGMENT));
    List<String> plain = List.of("--restore-command", "--output", "text", "--repo", "file:///r");
    assertThat(fetch(SEG, plain, "0").exit()).isZero();
    assertThat(spoolDir().resolve(SEG)).exists();
    List<String> args = new ArrayList<>(List.of("wal", "fetch", "db1", SEG, "pg_wal/RECOVERYXLOG"));
    args.addAll(plain);
    assertThat(javaStarts()).containsExactly(String.join(" ", args));
  }

  @Test
  void theJavaPathKeepsItsExitStatuses() throws Exception {
    takeSpool(OPTIONS);
    assertThat(fetch(SEG, OPTIONS, "99").exit()).as("absent").isEqualTo(1);
    Run failed = fetch(SEG, OPTIONS, "1");
    assertThat(failed.exit()).as("a JVM that cannot start").isEqualTo(255);
    assertThat(failed.stderr()).contains("exiting 255");
    assertThat(fetch(SEG, OPTIONS, "9").exit()).as("a hole").isEqualTo(255);
  }

  @Test
  void outsideADataDirectoryJavaAnswersAndNoFetcherStarts() throws Exception {
    Files.delete(data.resolve("postmaster.pid"));
    Files.createDirectories(spoolDir());
    Files.move(
        Files.write(tmp.resolve("seg"), segment(0x22)),
        spoolDir().resolve(SEG),
        StandardCopyOption.ATOMIC_MOVE);
    assertThat(fetch(SEG, OPTIONS, "0").exit()).isZero();
    assertThat(javaStarts()).containsExactly(String.join(" ", fetchArgs("fetch", SEG)));
    assertThat(Files.readString(spoolDir().resolve(SEG), StandardCharsets.ISO_8859_1)).isNotEmpty();
  }
}

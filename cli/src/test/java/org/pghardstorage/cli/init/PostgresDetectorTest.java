package org.pghardstorage.cli.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

class PostgresDetectorTest {
  private static final Path HOME = Path.of("/nonexistent-home");

  private static PostgresDetector detector(Map<String, String> env, FakeProbe probe) {
    return detector(env, probe, List.of());
  }

  private static PostgresDetector detector(
      Map<String, String> env, FakeProbe probe, List<Candidate> debian) {
    return new PostgresDetector(env, HOME, "ops", probe, () -> debian);
  }

  @Test
  void looksAtTheEnvironmentFirstThenLoopbackThenDebianClusters() {
    List<Candidate> debian = List.of(new Candidate("127.0.0.1", 5433, "Debian cluster 15/main"));
    PostgresDetector d =
        detector(Map.of("PGHOST", "db1", "PGPORT", "6543"), new FakeProbe(), debian);
    assertThat(d.candidates(new ArrayList<>()))
        .extracting(Candidate::address)
        .containsExactly("db1:6543", "127.0.0.1:5432", "[::1]:5432", "127.0.0.1:5433");
  }

  @Test
  void aSocketDirectoryInPghostBecomesLoopbackWithANote() {
    List<Attempt> tried = new ArrayList<>();
    PostgresDetector d =
        detector(Map.of("PGHOST", "/var/run/postgresql", "PGPORT", "5433"), new FakeProbe());
    assertThat(d.candidates(tried))
        .extracting(Candidate::address)
        .startsWith("127.0.0.1:5433", "127.0.0.1:5432");
    assertThat(tried.get(0).outcome()).contains("TCP only");
  }

  @Test
  void theSuggestionIsTheFirstPlaceAsTheLastRoleWithoutPassword() {
    PostgresDetector fromEnv =
        detector(
            Map.of("PGHOST", "db1", "PGPORT", "6543", "PGUSER", "backup", "PGPASSWORD", "pw"),
            new FakeProbe());
    assertThat(fromEnv.suggestion())
        .startsWith("host=db1 port=6543 user=backup dbname=postgres")
        .doesNotContain("password");
    assertThat(detector(Map.of(), new FakeProbe()).suggestion())
        .startsWith("host=127.0.0.1 port=5432 user=postgres dbname=postgres");
  }

  @Test
  void duplicatesAreTriedOnce() {
    PostgresDetector d = detector(Map.of("PGPORT", "5432"), new FakeProbe());
    assertThat(d.candidates(new ArrayList<>()))
        .extracting(Candidate::address)
        .containsExactly("127.0.0.1:5432", "[::1]:5432");
  }

  @Test
  void rolesAreTheOsUserThenPostgresUnlessPguserIsSet() {
    assertThat(detector(Map.of(), new FakeProbe()).roles()).containsExactly("ops", "postgres");
    assertThat(detector(Map.of("PGUSER", "backup"), new FakeProbe()).roles())
        .containsExactly("backup");
  }

  @Test
  void findsTheFirstListeningServerAndTheFirstRoleThatGetsIn() {
    FakeProbe probe = new FakeProbe().listen("127.0.0.1", 5432).role("postgres", false);
    PostgresDetector.Detected found = detector(Map.of(), probe).detect();
    assertThat(found.connInfo().user()).isEqualTo("postgres");
    assertThat(found.connInfo().dbname()).isEqualTo("postgres");
    assertThat(found.server().version()).isEqualTo("16.4");
    assertThat(found.tried())
        .extracting(Attempt::tried)
        .containsExactly(
            "PGHOST/PGPORT",
            "127.0.0.1:5432 as ops (default port)",
            "127.0.0.1:5432 as postgres (default port)");
    assertThat(found.tried().get(1).outcome()).contains("password authentication failed");
  }

  @Test
  void usesPgpasswordForTheDetectedRole() {
    FakeProbe probe = new FakeProbe().listen("127.0.0.1", 5432).role("postgres", true);
    PostgresDetector.Detected found = detector(Map.of("PGPASSWORD", "s3cret"), probe).detect();
    assertThat(found.connInfo().hasExplicitPassword()).isTrue();
    assertThat(found.connInfo().withoutPassword().redacted()).doesNotContain("s3cret");
  }

  @Test
  void nothingListeningIsUnreachableAndSaysWhatWasTried() {
    assertThatThrownBy(() -> detector(Map.of(), new FakeProbe()).detect())
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("init.no_postgres");
              assertThat(e.exitCode()).isEqualTo(ExitCode.UNREACHABLE);
              assertThat(e.getMessage())
                  .contains("PGHOST/PGPORT: not set")
                  .contains("127.0.0.1:5432 (default port): nothing listening")
                  .contains("[::1]:5432");
              assertThat(e.suggestion()).get().asString().contains("--pg-connection");
            });
  }

  @Test
  void everyRoleRefusedIsAnAuthenticationErrorListingEachAttempt() {
    FakeProbe probe = new FakeProbe().listen("127.0.0.1", 5432);
    assertThatThrownBy(() -> detector(Map.of(), probe).detect())
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("init.cannot_connect");
              assertThat(e.exitCode()).isEqualTo(ExitCode.AUTHENTICATION);
              assertThat(e.getMessage()).contains("as ops").contains("as postgres");
              assertThat(e.suggestion()).get().asString().contains("PGPASSWORD");
            });
  }

  @Test
  void anExplicitConnectionIsCheckedAndItsFailureSaysWhatWasTriedWithoutThePassword() {
    FakeProbe probe = new FakeProbe().listen("db1", 5432);
    PostgresDetector d = detector(Map.of(), probe);
    assertThatThrownBy(
            () -> d.check("host=db1 user=backup password=hunter2 dbname=postgres", "flag"))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("pg.auth_failed");
              assertThat(e.getMessage())
                  .contains("host=db1")
                  .contains("(flag)")
                  .doesNotContain("hunter2");
            });
    probe.role("backup", true);
    assertThat(d.check("host=db1 user=backup password=hunter2", "flag").tried())
        .extracting(Attempt::outcome)
        .containsExactly("connected");
  }
}

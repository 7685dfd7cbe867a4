package org.pghardstorage.cli.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import picocli.CommandLine;

class ServerClientTest {
  @TempDir Path tmp;

  @Test
  void theApiRootIsFoundWithOrWithoutItsPath() {
    assertThat(ServerClient.apiBase("http://h:8080").toString()).isEqualTo("http://h:8080/api/v1/");
    assertThat(ServerClient.apiBase("https://h/api/v1/").toString()).isEqualTo("https://h/api/v1/");
    assertThat(ServerClient.apiBase("https://h/pghs/").toString())
        .isEqualTo("https://h/pghs/api/v1/");
  }

  @Test
  void aUrlWithoutSchemeOrHostIsAUsageError() {
    for (String bad : new String[] {"h:8080", "ftp://h", "http://", "http://h h"}) {
      assertThatThrownBy(() -> ServerClient.apiBase(bad))
          .as(bad)
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> {
                assertThat(e.code()).isEqualTo("usage.bad_server_url");
                assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
              });
    }
  }

  @Test
  void aProblemDocumentKeepsItsCodeDetailAndSuggestionAndItsStatusPicksTheExitCode()
      throws Exception {
    var body =
        new ObjectMapper()
            .readTree(
                "{\"type\":\"urn:pg_hardstorage:error:job.running\",\"title\":\"Conflict\","
                    + "\"status\":409,\"detail\":\"a base-backup of db1 is running\","
                    + "\"code\":\"job.running\",\"suggestion\":\"wait for run 7\"}");
    HardstorageException e = ServerClient.problem(409, body, "jobs");
    assertThat(e.code()).isEqualTo("job.running");
    assertThat(e.getMessage()).isEqualTo("a base-backup of db1 is running");
    assertThat(e.suggestion()).contains("wait for run 7");
    assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT);
  }

  @Test
  void bareErrorStatusesStillSayWhatHappened() {
    HardstorageException unauthorized = ServerClient.problem(401, null, "deployments");
    assertThat(unauthorized.code()).isEqualTo("server.unauthorized");
    assertThat(unauthorized.exitCode()).isEqualTo(ExitCode.AUTHENTICATION);
    assertThat(unauthorized.suggestion()).isPresent();
    assertThat(ServerClient.problem(403, null, "jobs").exitCode())
        .isEqualTo(ExitCode.AUTHENTICATION);
    assertThat(ServerClient.problem(404, null, "deployments/x").exitCode())
        .isEqualTo(ExitCode.NOT_FOUND);
    assertThat(ServerClient.problem(503, null, "jobs").exitCode()).isEqualTo(ExitCode.UNREACHABLE);
    assertThat(ServerClient.problem(500, null, "jobs").code()).isEqualTo("server.http_500");
  }

  @Test
  void aTokenFileWinsOverBasicCredentials() throws Exception {
    Path token = tmp.resolve("token");
    Files.writeString(token, "pghs_abc123\n");
    ServerOptions o =
        parse("--server", "http://h", "--token-file", token.toString(), "--server-user", "ops");
    assertThat(o.authorization()).contains("Bearer pghs_abc123");
  }

  @Test
  void basicCredentialsComeFromTheEnvironmentOrAFileNeverFromTheCommandLine() throws Exception {
    ServerOptions env =
        parse("--server", "http://h")
            .withEnvironment(Map.of("PGHS_SERVER_USER", "ops", "PGHS_SERVER_PASSWORD", "s3cret"));
    assertThat(env.authorization())
        .contains("Basic " + Base64.getEncoder().encodeToString("ops:s3cret".getBytes()));

    Path pw = tmp.resolve("pw");
    Files.writeString(pw, "from-file\n");
    ServerOptions file =
        parse("--server-user", "ops", "--server-password-file", pw.toString())
            .withEnvironment(Map.of("PGHS_SERVER", "http://h"));
    assertThat(file.given()).isTrue();
    assertThat(file.authorization())
        .contains("Basic " + Base64.getEncoder().encodeToString("ops:from-file".getBytes()));

    ServerOptions none = parse("--server-user", "ops").withEnvironment(Map.of());
    assertThat(none.given()).isFalse();
    assertThatThrownBy(none::authorization)
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> assertThat(e.code()).isEqualTo("usage.no_server_password"));
    assertThatThrownBy(none::client)
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.code()).isEqualTo("usage.no_server"));
  }

  @Test
  void noCredentialsMeansNoAuthorizationHeader() {
    assertThat(parse("--server", "http://h").withEnvironment(Map.of()).authorization()).isEmpty();
  }

  private static ServerOptions parse(String... args) {
    ServerOptions o = new ServerOptions();
    new CommandLine(o).parseArgs(args);
    return o.withEnvironment(Map.of());
  }
}

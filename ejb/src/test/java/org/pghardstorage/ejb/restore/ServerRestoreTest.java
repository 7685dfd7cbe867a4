package org.pghardstorage.ejb.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.json.ResultJson;
import org.pghardstorage.ejb.catalogue.RestorePlans;

/**
 * What a start of the {@code restore} job must bring before anything starts: a kept plan of the
 * deployment, made for this server (its target inside the roots as it really is, no force, this
 * host's launcher), ready, and a confirmation naming the deployment or the directory.
 */
class ServerRestoreTest {
  private static final String LAUNCHER = "/opt/pghs/bin/pg_hardstorage";

  @TempDir Path tmp;
  private ServerRestoreRoots roots;
  private Path target;

  @BeforeEach
  void layout() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("restores")).toRealPath();
    roots = new ServerRestoreRoots(List.of(root));
    target = root.resolve("db1-copy");
  }

  private static RestorePlanRequest request(String target, String launcher, Boolean force) {
    return new RestorePlanRequest(
        null, target, null, null, null, null, true, null, null, launcher, force);
  }

  private static String plan(String target, boolean ready, String... more) {
    StringBuilder dirs =
        new StringBuilder("{\"path\":\"" + target + "\",\"role\":\"data directory\"}");
    for (String d : more) {
      dirs.append(",{\"path\":\"").append(d).append("\",\"role\":\"tablespace 16385\"}");
    }
    return "{\"backup_id\":\"b1\",\"target\":\""
        + target
        + "\",\"directories\":["
        + dirs
        + "],\"ready\":"
        + ready
        + ",\"problems\":"
        + (ready ? "[]" : "[\"WAL segment 000000010000000000000003 is missing\"]")
        + "}";
  }

  private ServerRestore.Approved approved(RestorePlanRequest r, String plan) {
    return ServerRestore.approved(
        roots,
        LAUNCHER,
        "db1",
        "7",
        id ->
            id == 7
                ? Optional.of(new RestorePlans.Kept(7, ResultJson.write(r), plan))
                : Optional.empty());
  }

  @Test
  void aReadyPlanForThisServerIsApprovedWithTheDeploymentsNameOrTheDirectory() {
    ServerRestore.Approved a =
        approved(request(target.toString(), LAUNCHER, false), plan(target.toString(), true));
    assertThat(a.id()).isEqualTo(7);
    assertThat(a.request().target()).isEqualTo(target.toString());
    ServerRestore.confirmed("db1", a, "db1");
    ServerRestore.confirmed("db1", a, " " + target + " ");
  }

  @Test
  void aWrongOrMissingConfirmationIsRefused() {
    ServerRestore.Approved a =
        approved(request(target.toString(), LAUNCHER, null), plan(target.toString(), true));
    for (String wrong : new String[] {"db", "DB1", "db1-copy", "", null}) {
      assertThatThrownBy(() -> ServerRestore.confirmed("db1", a, wrong))
          .as(String.valueOf(wrong))
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> {
                assertThat(e.code()).isEqualTo("restore.not_confirmed");
                assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
                assertThat(e.getMessage())
                    .contains("names neither the deployment db1 nor the directory " + target)
                    .endsWith("nothing was restored");
              });
    }
  }

  @Test
  void aPlanNotMadeForThisServerIsRefused() throws Exception {
    String p = plan(target.toString(), true);
    assertThatThrownBy(() -> approved(request(target.toString(), "pg_hardstorage", null), p))
        .as("another launcher")
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("restore.plan_not_for_server");
              assertThat(e.suggestion().orElseThrow()).contains("launcher \"" + LAUNCHER + "\"");
            });
    assertThatThrownBy(() -> approved(request(target.toString(), LAUNCHER, true), p))
        .as("force")
        .hasMessageContaining("was not made for a restore on this server");
    assertThatThrownBy(
            () ->
                approved(
                    request("/srv/elsewhere/x", LAUNCHER, null), plan("/srv/elsewhere/x", true)))
        .as("a target outside the roots")
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> assertThat(e.code()).isEqualTo("restore.target_not_allowed"));
    Path link = Files.createSymbolicLink(tmp.resolve("restores-link"), target.getParent());
    String viaLink = link.resolve("db1-copy").toString();
    assertThatThrownBy(() -> approved(request(viaLink, LAUNCHER, null), plan(viaLink, true)))
        .as("a target not named as it really is")
        .hasMessageContaining("was not made for a restore on this server");
    assertThatThrownBy(
            () ->
                approved(
                    request(target.toString(), LAUNCHER, null),
                    plan(target.toString(), true, "/srv/tablespaces/ts1")))
        .as("a tablespace outside the roots")
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> assertThat(e.getMessage()).contains("/srv/tablespaces/ts1"));
  }

  @Test
  void aNonEmptyTargetAnUnreadyPlanOrAnUnknownPlanIsRefused() throws Exception {
    Files.createDirectories(target);
    Files.writeString(target.resolve("PG_VERSION"), "18\n");
    assertThatThrownBy(
            () ->
                approved(request(target.toString(), LAUNCHER, null), plan(target.toString(), true)))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> assertThat(e.code()).isEqualTo("restore.target_not_empty"));
    Files.delete(target.resolve("PG_VERSION"));
    assertThatThrownBy(
            () ->
                approved(
                    request(target.toString(), LAUNCHER, null), plan(target.toString(), false)))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("restore.plan_not_ready");
              assertThat(e.getMessage()).contains("000000010000000000000003 is missing");
            });
    assertThatThrownBy(
            () -> ServerRestore.approved(roots, LAUNCHER, "db1", "8", id -> Optional.empty()))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("restore_plan.not_found");
              assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
            });
    assertThatThrownBy(
            () -> ServerRestore.approved(roots, LAUNCHER, "db1", "x7", id -> Optional.empty()))
        .hasMessage("job parameter plan is missing or not a plan id: \"x7\"");
  }

  @Test
  void withoutRootsNothingIsApproved() {
    assertThatThrownBy(
            () ->
                ServerRestore.approved(
                    new ServerRestoreRoots(List.of()),
                    LAUNCHER,
                    "db1",
                    "7",
                    id -> Optional.empty()))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> assertThat(e.code()).isEqualTo("restore.server_disabled"));
  }

  @Test
  void theLauncherProblemSaysWhatToDo() {
    assertThat(ServerRestore.launcherProblem("/bin/sh")).isEmpty();
    assertThat(ServerRestore.launcherProblem("pg_hardstorage"))
        .contains("\"pg_hardstorage\", which is not an absolute path")
        .contains(ServerRestoreRoots.LAUNCHER_PROPERTY);
    assertThat(ServerRestore.launcherProblem(tmp.resolve("missing").toString()))
        .contains("not an executable file on this host")
        .contains("Install the pg_hardstorage command line on this host");
  }
}

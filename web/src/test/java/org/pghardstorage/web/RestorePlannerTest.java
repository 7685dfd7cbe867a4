package org.pghardstorage.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.ejb.EJBException;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.ejb.restore.RestorePlanRequest;

/**
 * The planner's form becomes the API's request (so a bad value meets the API's own check), and the
 * plan document is shown field by field as the API writes it.
 */
class RestorePlannerTest {
  @Test
  void eachKindPutsTheValueInTheFieldTheApiNamesAfterIt() {
    assertThat(RestorePlanner.request("latest", "ignored", "", "/srv/r"))
        .isEqualTo(
            new RestorePlanRequest(
                null, "/srv/r", null, null, null, null, true, null, null, null, null));
    assertThat(RestorePlanner.request("lsn", " 0/3000028 ", "b1", "/srv/r").lsn())
        .isEqualTo("0/3000028");
    assertThat(RestorePlanner.request("lsn", "zz", "b1", "/srv/r").backup()).isEqualTo("b1");
    assertThat(RestorePlanner.request("time", "2026-11-30T02:40:00Z", "", "/srv/r").time())
        .isEqualTo("2026-11-30T02:40:00Z");
    assertThat(RestorePlanner.request("name", "before-upgrade", "", "/srv/r").name())
        .isEqualTo("before-upgrade");
    assertThat(RestorePlanner.request("xid", "1234", "", "/srv/r").xid()).isEqualTo(1234L);
    assertThat(RestorePlanner.request("lsn", "0/1", "", " ").target()).isNull();
  }

  @Test
  void anXidThatIsNotANumberOrAnUnknownKindIsRefusedAsTheApiRefusesAField() {
    assertThatThrownBy(() -> RestorePlanner.request("xid", "12a", "", "/srv/r"))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("usage.bad_restore_plan");
              assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
              assertThat(e.getMessage()).isEqualTo("field xid is missing or invalid: \"12a\"");
            });
    assertThatThrownBy(() -> RestorePlanner.request("tomorrow", "", "", "/srv/r"))
        .hasMessage("field target kind is missing or invalid: \"tomorrow\"");
  }

  @Test
  void thePlanIsShownFieldByFieldInDocumentOrder() {
    assertThat(
            RestorePlanner.fields(
                "{\"backup_id\":\"b1\",\"files\":12,\"wal\":{\"start_lsn\":\"0/2000028\","
                    + "\"complete\":true},\"problems\":[],\"warnings\":[\"w\"],\"label\":null,"
                    + "\"tablespaces\":[{\"oid\":1}],\"recovery\":{}}"))
        .containsExactly(
            new RestorePlanner.Field("backup_id", "b1"),
            new RestorePlanner.Field("files", "12"),
            new RestorePlanner.Field("wal.start_lsn", "0/2000028"),
            new RestorePlanner.Field("wal.complete", "true"),
            new RestorePlanner.Field("problems", "[]"),
            new RestorePlanner.Field("warnings[0]", "w"),
            new RestorePlanner.Field("label", "null"),
            new RestorePlanner.Field("tablespaces[0].oid", "1"),
            new RestorePlanner.Field("recovery", "{}"));
  }

  @Test
  void anEngineErrorIsShownAsTheApiGivesItEvenWhenTheContainerWrappedIt() {
    HardstorageException h =
        new HardstorageException(
            "usage.bad_restore_plan",
            ExitCode.USAGE,
            "field lsn is missing or invalid: \"zz\"",
            "give lsn as an LSN as X/Y, e.g. 0/3000028");
    EngineError shown =
        new EngineError(
            "usage.bad_restore_plan",
            "field lsn is missing or invalid: \"zz\"",
            "give lsn as an LSN as X/Y, e.g. 0/3000028");
    assertThat(EngineError.of(h)).isEqualTo(shown);
    assertThat(EngineError.of(new EJBException(h))).isEqualTo(shown);
    IllegalStateException unexpected = new IllegalStateException("bug");
    assertThatThrownBy(() -> EngineError.of(new EJBException(unexpected)))
        .as("a failure that is not the engine's is not dressed up as a user error")
        .isInstanceOf(EJBException.class);
  }
}

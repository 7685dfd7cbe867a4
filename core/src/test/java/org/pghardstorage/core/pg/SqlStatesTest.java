package org.pghardstorage.core.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pghardstorage.core.error.ExitCode;

class SqlStatesTest {
  @ParameterizedTest
  @CsvSource({
    "28P01, pg.auth_failed, AUTHENTICATION",
    "28000, pg.auth_failed, AUTHENTICATION",
    "42501, pg.permission_denied, AUTHENTICATION",
    "3D000, pg.database_not_found, NOT_FOUND",
    "57P03, pg.server_starting, UNREACHABLE",
    "53300, pg.too_many_connections, UNREACHABLE",
    "57014, pg.query_canceled, ABORTED",
    "42704, pg.object_not_found, NOT_FOUND",
    "42710, pg.object_exists, CONFLICT",
    "55006, pg.object_in_use, CONFLICT",
    "58P01, pg.file_not_found, NOT_FOUND",
    "08006, pg.connection_error, UNREACHABLE",
    "42601, pg.syntax_or_access_error, ERROR",
    "XX000, pg.server_error, ERROR"
  })
  void mapsSqlStates(String state, String code, ExitCode exit) {
    PgServerException e = PgServerException.of(Map.of('C', state, 'M', "m"), "bob");
    assertThat(e.code()).isEqualTo(code);
    assertThat(e.exitCode()).isEqualTo(exit);
    assertThat(e.getMessage()).contains(state);
  }

  @Test
  void suggestionsNameTheFix() {
    PgServerException noReplication =
        PgServerException.of(
            Map.of(
                'C', "42501",
                'M', "must be superuser or replication role to start walsender"),
            "bob");
    assertThat(noReplication.suggestion())
        .contains("grant the role replication rights: ALTER ROLE \"bob\" REPLICATION");

    PgServerException pg16 =
        PgServerException.of(
            Map.of(
                'C', "42501",
                'M', "permission denied to start WAL sender",
                'D', "Only roles with the REPLICATION attribute may start a WAL sender process."),
            "bob");
    assertThat(pg16.suggestion().orElseThrow()).contains("ALTER ROLE \"bob\" REPLICATION");

    PgServerException walSenders =
        PgServerException.of(
            Map.of(
                'C',
                "53300",
                'M',
                "number of requested standby connections exceeds max_wal_senders (currently 10)"),
            "bob");
    assertThat(walSenders.suggestion().orElseThrow()).contains("max_wal_senders");

    PgServerException hba =
        PgServerException.of(
            Map.of('C', "28000", 'M', "no pg_hba.conf entry for host \"1.2.3.4\""), "bob");
    assertThat(hba.suggestion().orElseThrow()).contains("pg_hba.conf");

    PgServerException withHint =
        PgServerException.of(Map.of('C', "XX000", 'M', "m", 'H', "do this", 'D', "because"), "bob");
    assertThat(withHint.suggestion()).contains("do this");
    assertThat(withHint.hint()).contains("do this");
    assertThat(withHint.detail()).contains("because");
    assertThat(withHint.getMessage()).isEqualTo("m DETAIL: because (SQLSTATE XX000)");
    assertThat(withHint.isFatal()).isFalse();
  }
}

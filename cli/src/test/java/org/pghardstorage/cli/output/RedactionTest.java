package org.pghardstorage.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {
  @Test
  void masksConninfoPasswordsPlainAndQuoted() {
    assertThat(Redaction.secrets("'host=db password=s3cret user=x'"))
        .isEqualTo("'host=db password=******** user=x'");
    assertThat(Redaction.secrets("host=db password = 'a b\\'c' dbname=d"))
        .isEqualTo("host=db password = ******** dbname=d");
    assertThat(Redaction.secrets("PASSWORD=abc")).isEqualTo("PASSWORD=********");
  }

  @Test
  void masksUrlPasswordsButKeepsUsersAndHosts() {
    assertThat(Redaction.secrets("postgresql://alice:pw@db:5432/x?sslmode=require"))
        .isEqualTo("postgresql://alice:********@db:5432/x?sslmode=require");
    assertThat(Redaction.secrets("file:///srv/repo and postgresql://db/x"))
        .isEqualTo("file:///srv/repo and postgresql://db/x");
  }
}

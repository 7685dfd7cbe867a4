package org.pghardstorage.cli.init;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeploymentNamesTest {
  @Test
  void aLocalServerIsLocal() {
    assertThat(DeploymentNames.derive("127.0.0.1", 5432)).isEqualTo("local");
    assertThat(DeploymentNames.derive("localhost", 5432)).isEqualTo("local");
    assertThat(DeploymentNames.derive("::1", 5433)).isEqualTo("local-5433");
  }

  @Test
  void aRemoteServerIsNamedAfterItsFirstLabel() {
    assertThat(DeploymentNames.derive("DB1.example.com", 5432)).isEqualTo("db1");
    assertThat(DeploymentNames.derive("10.0.0.5", 6432)).isEqualTo("10-0-0-5-6432");
    assertThat(DeploymentNames.derive("_weird_host", 5432)).isEqualTo("weird_host");
    assertThat(DeploymentNames.derive("...", 5432)).isEqualTo("db");
  }
}

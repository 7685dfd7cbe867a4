package org.pghardstorage.ejb.token;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenServiceTest {
  @Test
  void tokensAreStoredAsTheirHexSha256() {
    // SHA-256("abc"), FIPS 180-2 example
    assertThat(TokenService.sha256("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
}

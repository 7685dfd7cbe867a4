package org.pghardstorage.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

class KeysTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Cheap parameters: the tests exercise wiring, not cost. */
  private static Argon2idParams cheap() {
    return Argon2idParams.withCost(64, 1, 1, RANDOM);
  }

  @Test
  void argon2idMatchesRfc9106TestVector() {
    // RFC 9106 §5.3: Argon2id, m=32 KiB, t=3, p=4, password 32×0x01, salt 16×0x02,
    // secret 8×0x03, associated data 12×0x04.
    byte[] salt = new byte[16];
    Arrays.fill(salt, (byte) 2);
    byte[] password = new byte[32];
    Arrays.fill(password, (byte) 1);
    byte[] secret = new byte[8];
    Arrays.fill(secret, (byte) 3);
    byte[] ad = new byte[12];
    Arrays.fill(ad, (byte) 4);
    byte[] tag = new Argon2idParams(32, 3, 4, salt).derive(password, secret, ad);
    assertThat(HexFormat.of().formatHex(tag))
        .isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
  }

  @Test
  void derivationDependsOnPassphraseAndSalt() {
    Argon2idParams params = cheap();
    byte[] k1 = params.deriveKey("correct horse".toCharArray());
    assertThat(params.deriveKey("correct horse".toCharArray())).isEqualTo(k1);
    assertThat(params.deriveKey("correct horsE".toCharArray())).isNotEqualTo(k1);
    assertThat(cheap().deriveKey("correct horse".toCharArray())).isNotEqualTo(k1);
    assertThat(k1).hasSize(32);
  }

  @Test
  void validatesParameters() {
    assertThatThrownBy(() -> new Argon2idParams(64, 1, 1, new byte[8]))
        .hasMessageContaining("salt has 8 bytes");
    assertThatThrownBy(() -> new Argon2idParams(16, 1, 4, new byte[16]))
        .hasMessageContaining("memory_kib 16");
    assertThatThrownBy(() -> new Argon2idParams(64, 0, 1, new byte[16]))
        .hasMessageContaining("iterations 0");
  }

  @Test
  void wrapUnwrapAndWrongKey() {
    KeyBundle bundle = KeyBundle.generate(RANDOM);
    byte[] kek = cheap().deriveKey("pass".toCharArray());
    byte[] wrapped = KeyWrap.wrap(kek, bundle, "repo-a");
    KeyBundle back = KeyWrap.unwrap(kek, wrapped, "repo-a");
    assertThat(back.dataKey()).isEqualTo(bundle.dataKey());
    assertThat(back.chunkIdKey()).isEqualTo(bundle.chunkIdKey());
    assertThat(back.toString()).doesNotContain(HexFormat.of().formatHex(bundle.dataKey()));

    byte[] otherKek = kek.clone();
    otherKek[0] ^= 1;
    assertThatThrownBy(() -> KeyWrap.unwrap(otherKek, wrapped, "repo-a"))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("crypto.wrong_key");
              assertThat(e.exitCode()).isEqualTo(ExitCode.AUTHENTICATION);
            });
    // Bound to the repository: the same bundle cannot be replayed into another config.
    assertThatThrownBy(() -> KeyWrap.unwrap(kek, wrapped, "repo-b"))
        .hasFieldOrPropertyWithValue("code", "crypto.wrong_key");
  }

  @Test
  void bundleEncodingIsVersioned() {
    byte[] encoded = KeyBundle.generate(RANDOM).encode();
    assertThat(encoded).hasSize(68);
    assertThat(encoded[0]).isEqualTo((byte) 1);
    encoded[0] = 2;
    assertThatThrownBy(() -> KeyBundle.decode(encoded)).isInstanceOf(IntegrityException.class);
  }
}

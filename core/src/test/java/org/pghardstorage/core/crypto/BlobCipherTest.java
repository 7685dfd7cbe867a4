package org.pghardstorage.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BlobCipherTest {
  private static final byte[] AAD = "chunk-1".getBytes(StandardCharsets.US_ASCII);

  static Stream<BlobCipher> ciphers() {
    byte[] key = new byte[32];
    new Random(1).nextBytes(key);
    return Stream.of(BlobCipher.none(), BlobCipher.aes256Gcm(key));
  }

  @ParameterizedTest
  @MethodSource("ciphers")
  void roundTripsWithDeclaredOverhead(BlobCipher cipher) {
    for (int size : new int[] {0, 1, 100, 1 << 20}) {
      byte[] plain = new byte[size];
      new Random(size).nextBytes(plain);
      byte[] sealed = cipher.seal(plain, AAD);
      assertThat(sealed).hasSize(size + cipher.overhead());
      assertThat(cipher.open(sealed, AAD)).isEqualTo(plain);
    }
  }

  @Test
  void aesGcmFedInSlicesSealsTheBytesOfOneCallOverTheWhole() throws Exception {
    byte[] key = new byte[32];
    new Random(7).nextBytes(key);
    BlobCipher cipher = BlobCipher.aes256Gcm(key);
    int slice = AesGcmCipher.SLICE;
    for (int size : new int[] {0, 1, slice - 1, slice, slice + 1, 3 * slice, (1 << 20) + 3}) {
      byte[] plain = new byte[size];
      new Random(size).nextBytes(plain);
      byte[] sealed = cipher.seal(plain, AAD);
      // The same nonce through one doFinal over the whole plaintext: the reference bytes.
      Cipher whole = Cipher.getInstance("AES/GCM/NoPadding");
      whole.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(key, "AES"),
          new GCMParameterSpec(AesGcmCipher.TAG_BITS, sealed, 0, AesGcmCipher.NONCE_LENGTH));
      whole.updateAAD(AAD);
      assertThat(Arrays.copyOfRange(sealed, AesGcmCipher.NONCE_LENGTH, sealed.length))
          .as("%d bytes", size)
          .isEqualTo(whole.doFinal(plain));
    }
  }

  @ParameterizedTest
  @MethodSource("ciphers")
  void opensASliceOfALargerArray(BlobCipher cipher) {
    byte[] sealed = cipher.seal("page".getBytes(StandardCharsets.US_ASCII), AAD);
    byte[] padded = new byte[sealed.length + 10];
    System.arraycopy(sealed, 0, padded, 7, sealed.length);
    assertThat(cipher.open(padded, 7, sealed.length, AAD)).asString().isEqualTo("page");
  }

  @ParameterizedTest
  @MethodSource("ciphers")
  void detectsEveryFlippedByte(BlobCipher cipher) {
    byte[] plain = new byte[64];
    new Random(3).nextBytes(plain);
    byte[] sealed = cipher.seal(plain, AAD);
    for (int i = 0; i < sealed.length; i++) {
      byte[] damaged = sealed.clone();
      damaged[i] ^= 0x01;
      assertThatThrownBy(() -> cipher.open(damaged, AAD))
          .as("byte %d", i)
          .isInstanceOf(IntegrityException.class)
          .hasFieldOrPropertyWithValue("code", "crypto.integrity_failed");
    }
  }

  @ParameterizedTest
  @MethodSource("ciphers")
  void detectsWrongAssociatedDataAndTruncation(BlobCipher cipher) {
    byte[] sealed = cipher.seal(new byte[10], AAD);
    assertThatThrownBy(() -> cipher.open(sealed, "chunk-2".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(IntegrityException.class);
    assertThatThrownBy(() -> cipher.open(sealed, 0, 2, AAD)).isInstanceOf(IntegrityException.class);
  }

  @Test
  void gcmUsesFreshNoncesAndHidesPlaintext() {
    BlobCipher gcm = BlobCipher.aes256Gcm(new byte[32]);
    byte[] plain = "SELECT secret FROM t".getBytes(StandardCharsets.US_ASCII);
    byte[] a = gcm.seal(plain, AAD);
    byte[] b = gcm.seal(plain, AAD);
    assertThat(a).isNotEqualTo(b);
    assertThat(new String(a, StandardCharsets.ISO_8859_1)).doesNotContain("secret");
    assertThat(BlobCipher.aes256Gcm(new byte[32]).open(a, AAD)).isEqualTo(plain);
    byte[] otherKey = new byte[32];
    otherKey[31] = 1;
    assertThatThrownBy(() -> BlobCipher.aes256Gcm(otherKey).open(a, AAD))
        .isInstanceOf(IntegrityException.class);
  }
}

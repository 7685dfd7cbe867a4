package org.pghardstorage.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.ObjectStores;
import org.pghardstorage.core.storage.RangeOutsideObjectException;
import org.pghardstorage.core.storage.StorageAuthenticationException;
import org.pghardstorage.core.storage.StorageUnavailableException;
import org.pghardstorage.core.storage.retry.RetryPolicy;
import org.pghardstorage.core.storage.retry.RetryingObjectStore;
import org.pghardstorage.devstack.FaultyHttpProxy;
import org.pghardstorage.devstack.S3ProxyServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What an operator sees when the S3 side is wrong: each case a precise error, retried only when a
 * retry can help (outages, not credentials).
 */
class S3ObjectStoreErrorsTest {
  private static final ObjectKey KEY = ObjectKey.of("config");

  @BeforeAll
  static void server() {
    S3ProxyServer.get().createBucket(S3ObjectStoreContractTest.BUCKET);
    System.setProperty("aws.accessKeyId", S3ProxyServer.ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", S3ProxyServer.SECRET_KEY);
  }

  @Test
  void aMissingBucketIsUnavailableAndNamed() {
    try (ObjectStore store = ObjectStores.open(S3ProxyServer.get().url("no-such-bucket", ""))) {
      assertThatThrownBy(() -> store.get(KEY))
          .isInstanceOf(StorageUnavailableException.class)
          .hasMessageContaining("bucket 'no-such-bucket' does not exist");
      assertThatThrownBy(() -> store.stat(KEY))
          .isInstanceOf(StorageUnavailableException.class)
          .hasMessageContaining("no-such-bucket");
      assertThatThrownBy(() -> store.put(KEY, new byte[] {1}))
          .isInstanceOf(StorageUnavailableException.class);
      assertThatThrownBy(() -> store.list(""))
          .isInstanceOf(StorageUnavailableException.class)
          .hasMessageContaining("does not exist");
    }
  }

  @Test
  void wrongCredentialsAreAnAuthenticationFailureWithAHintAndNoSecret() {
    S3Location location =
        S3Location.parse(
            URI.create(S3ProxyServer.get().url(S3ObjectStoreContractTest.BUCKET, "creds/")));
    S3Client client =
        S3Client.builder()
            .endpointOverride(S3ProxyServer.get().endpoint())
            .forcePathStyle(true)
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, "wrong-secret-value")))
            .build();
    try (ObjectStore store = new S3ObjectStore(client, location)) {
      for (ThrowingCallable call :
          new ThrowingCallable[] {
            () -> store.putIfAbsent(KEY, new byte[] {1}), () -> store.get(KEY), () -> store.list("")
          }) {
        assertThatThrownBy(call)
            .isInstanceOfSatisfying(
                StorageAuthenticationException.class,
                e -> {
                  assertAuthFailed(e);
                  assertThat(e.getMessage())
                      .contains("S3 refused to")
                      .contains("HTTP 403")
                      .contains("s3://" + S3ObjectStoreContractTest.BUCKET)
                      .doesNotContain("wrong-secret-value");
                  assertThat(e.suggestion())
                      .get()
                      .asString()
                      .contains("credentials")
                      .contains("bucket '" + S3ObjectStoreContractTest.BUCKET + "'")
                      .contains(S3ProxyServer.get().endpoint().toString())
                      .doesNotContain("wrong-secret-value");
                });
      }
    }
  }

  @Test
  void missingCredentialsAreAnAuthenticationFailureNamingWhereToPutThem() throws IOException {
    Path dir = Files.createTempDirectory("pghs-s3-nocreds-");
    Path file = S3ProxyServer.get().credentialsFile(dir.resolve("aws-credentials"));
    String url =
        S3ProxyServer.get().url(S3ObjectStoreContractTest.BUCKET, "no-creds/")
            + "&credentials_file="
            + file
            + "&profile=no-such-profile";
    List<Object> retries = new ArrayList<>();
    try (ObjectStore store =
        new RetryingObjectStore(
            ObjectStores.open(url),
            RetryPolicy.DEFAULT,
            (operation, failedAttempt, backoff, cause) -> retries.add(cause))) {
      assertThatThrownBy(() -> store.get(KEY))
          .isInstanceOfSatisfying(
              StorageAuthenticationException.class,
              e -> {
                assertAuthFailed(e);
                assertThat(e.getMessage())
                    .contains("no credentials to sign requests to s3://")
                    .contains("no-such-profile");
                assertThat(e.suggestion())
                    .get()
                    .asString()
                    .contains("AWS_ACCESS_KEY_ID")
                    .contains("credentials_file");
              });
    }
    assertThat(retries).as("retrying cannot bring credentials").isEmpty();
  }

  private static void assertAuthFailed(StorageAuthenticationException e) {
    assertThat(e.code()).isEqualTo("storage.auth_failed");
    assertThat(e.exitCode()).isEqualTo(ExitCode.AUTHENTICATION);
  }

  @Test
  void anUnreachableEndpointIsUnavailable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (ObjectStore store =
        ObjectStores.open(
            "s3://some-bucket/x?endpoint=http://127.0.0.1:" + port + "&path_style=true")) {
      assertThatThrownBy(() -> store.get(KEY))
          .isInstanceOf(StorageUnavailableException.class)
          .hasMessageContaining("cannot reach S3");
    }
  }

  @Test
  void aRangePastTheEndNamesTheSize() {
    try (ObjectStore store =
        ObjectStores.open(S3ProxyServer.get().url(S3ObjectStoreContractTest.BUCKET, "range/"))) {
      store.put(KEY, new byte[10]);
      assertThatThrownBy(() -> store.getRange(KEY, 8, 5))
          .isInstanceOfSatisfying(
              RangeOutsideObjectException.class, e -> assertThat(e.size()).isEqualTo(10))
          .hasMessageContaining("of 10 bytes");
      assertThat(store.getRange(KEY, 10, 0)).isEmpty();
    }
  }

  @Test
  void aCredentialsFileServesProcessesWithoutTheEnvironment() throws IOException {
    Path dir = Files.createTempDirectory("pghs-s3-creds-");
    Path file = S3ProxyServer.get().credentialsFile(dir.resolve("aws-credentials"));
    String url =
        S3ProxyServer.get().url(S3ObjectStoreContractTest.BUCKET, "file-creds/")
            + "&credentials_file="
            + file;
    try (ObjectStore store = ObjectStores.open(url)) {
      assertThat(store.putIfAbsent(KEY, new byte[] {7})).isTrue();
      assertThat(store.get(KEY)).containsExactly(7);
    }
    assertThatThrownBy(
            () ->
                ObjectStores.open(
                    S3ProxyServer.get().url(S3ObjectStoreContractTest.BUCKET, "x/")
                        + "&credentials_file="
                        + dir.resolve("missing")))
        .isInstanceOfSatisfying(
            HardstorageException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
        .hasMessageContaining("cannot read it");
  }

  @Test
  void badUrlsAreUsageErrors() {
    for (String url :
        new String[] {
          "s3://",
          "s3://user:secret@bucket/x",
          "s3://Bad_Bucket/x",
          "s3://bucket/x?colour=blue",
          "s3://bucket/x?endpoint=ftp://host",
          "s3://bucket/x?path_style=maybe",
        }) {
      assertThatThrownBy(() -> ObjectStores.open(url).close())
          .as(url)
          .isInstanceOfSatisfying(
              HardstorageException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
          .hasMessageNotContaining("secret");
    }
  }

  @Test
  void aCreateWhoseAnswerWasLostIsNotMistakenForAConflict() throws IOException {
    S3ProxyServer s3 = S3ProxyServer.get();
    try (FaultyHttpProxy proxy = new FaultyHttpProxy(s3.endpoint(), 1, 0);
        ObjectStore store =
            ObjectStores.open(
                "s3://"
                    + S3ObjectStoreContractTest.BUCKET
                    + "/lost-answer-"
                    + System.nanoTime()
                    + "/?endpoint="
                    + proxy.endpoint()
                    + "&path_style=true")) {
      ObjectKey manifest = ObjectKey.of("backups/db1/x/manifest");
      proxy.failNext(
          r -> r.startsWith("PUT ") && r.contains("backups/db1/x/manifest"),
          FaultyHttpProxy.Fault.LOST_RESPONSE);

      assertThat(store.putIfAbsent(manifest, new byte[] {1, 2, 3}))
          .as("the SDK's retry found our own object: created, not a conflict")
          .isTrue();
      assertThat(proxy.injected().get(FaultyHttpProxy.Fault.LOST_RESPONSE)).isEqualTo(1);
      assertThat(store.get(manifest)).containsExactly(1, 2, 3);
      // somebody else's object under the key is still a conflict
      proxy.failNext(
          r -> r.startsWith("PUT ") && r.contains("backups/db1/x/manifest"),
          FaultyHttpProxy.Fault.LOST_RESPONSE);
      assertThat(store.putIfAbsent(manifest, new byte[] {9})).isFalse();
      assertThat(store.get(manifest)).containsExactly(1, 2, 3);
    }
  }
}

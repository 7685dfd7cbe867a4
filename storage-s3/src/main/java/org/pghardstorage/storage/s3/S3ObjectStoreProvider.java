package org.pghardstorage.storage.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.ObjectStoreProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Opens {@code s3://} URLs (see {@link S3Location}). The client retries throttling and transient
 * errors a few times itself (the SDK's standard mode); the repository's retry decorator retries
 * what still fails, with its own backoff and metrics.
 */
public final class S3ObjectStoreProvider implements ObjectStoreProvider {
  /** Parallel requests per store: the backup pipeline uploads packs in parallel. */
  static final int MAX_CONNECTIONS = 64;

  @Override
  public Set<String> schemes() {
    return Set.of("s3");
  }

  @Override
  public ObjectStore open(URI url) {
    S3Location location = S3Location.parse(url);
    location
        .credentialsFile()
        .filter(f -> !java.nio.file.Files.isReadable(f))
        .ifPresent(
            f -> {
              throw new IllegalArgumentException(
                  "credentials_file "
                      + f
                      + " does not exist or this OS user ("
                      + System.getProperty("user.name")
                      + ") cannot read it");
            });
    try {
      return new S3ObjectStore(client(location), location);
    } catch (SdkClientException e) {
      // the SDK could not settle its configuration, most often: no region anywhere
      throw new IllegalArgumentException(
          e.getMessage() + "; give the region as ?region=eu-central-1 or set AWS_REGION", e);
    }
  }

  private static AwsCredentialsProvider credentials(S3Location location) {
    if (location.credentialsFile().isPresent()) {
      return ProfileCredentialsProvider.builder()
          .profileFile(
              ProfileFile.builder()
                  .content(location.credentialsFile().get())
                  .type(ProfileFile.Type.CREDENTIALS)
                  .build())
          .profileName(location.profile().orElse("default"))
          .build();
    }
    if (location.profile().isPresent()) {
      return ProfileCredentialsProvider.create(location.profile().get());
    }
    return DefaultCredentialsProvider.builder().build();
  }

  /** A client for {@code location}. */
  static S3Client client(S3Location location) {
    S3ClientBuilder b =
        S3Client.builder()
            .httpClientBuilder(
                ApacheHttpClient.builder()
                    .maxConnections(MAX_CONNECTIONS)
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofSeconds(60)))
            .overrideConfiguration(
                ClientOverrideConfiguration.builder()
                    .retryStrategy(RetryMode.STANDARD)
                    .apiCallAttemptTimeout(Duration.ofMinutes(5))
                    .build())
            .forcePathStyle(location.pathStyle())
            .credentialsProvider(MissingCredentials.marking(credentials(location)));
    location.endpoint().ifPresent(b::endpointOverride);
    if (location.endpoint().isPresent()) {
      // S3-compatible services often mishandle the SDK's default trailing CRC checksums
      // (aws-chunked uploads); send a checksum only where the API requires one. The objects carry
      // their own integrity checks (content hashes, AES-GCM tags) in any case.
      b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }
    location.region().map(Region::of).ifPresent(b::region);
    if (location.region().isEmpty() && location.endpoint().isPresent()) {
      // S3-compatible services ignore the region, but the SDK signs with one
      b.region(Region.US_EAST_1);
    }
    return b.build();
  }
}

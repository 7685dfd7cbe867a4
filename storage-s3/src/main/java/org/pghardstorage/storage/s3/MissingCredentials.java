package org.pghardstorage.storage.s3;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Marks a failure to find credentials, so that it reads as an authentication problem rather than
 * the network failure the SDK reports it as (both are an {@code SdkClientException}). Being one
 * itself, it travels through the SDK unchanged.
 */
final class MissingCredentials extends SdkClientException {
  private static final long serialVersionUID = 1L;

  private MissingCredentials(RuntimeException cause) {
    super(SdkClientException.builder().message(cause.getMessage()).cause(cause));
  }

  /** {@code provider}, with its failures marked. */
  static AwsCredentialsProvider marking(AwsCredentialsProvider provider) {
    return new AwsCredentialsProvider() {
      @Override
      public AwsCredentials resolveCredentials() {
        try {
          return provider.resolveCredentials();
        } catch (RuntimeException e) {
          throw new MissingCredentials(e);
        }
      }

      @Override
      public String toString() {
        return provider.toString();
      }
    };
  }

  /** Whether {@code e} was caused by a marked failure. */
  static boolean in(Throwable e) {
    return find(e) != null;
  }

  /** The provider's own explanation. */
  static String reason(Throwable e) {
    MissingCredentials m = find(e);
    return m == null ? String.valueOf(e.getMessage()) : m.getMessage();
  }

  private static MissingCredentials find(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MissingCredentials m) {
        return m;
      }
    }
    return null;
  }
}

package org.pghardstorage.storage.s3;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectNotFoundException;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.RangeOutsideObjectException;
import org.pghardstorage.core.storage.StorageAuthenticationException;
import org.pghardstorage.core.storage.StorageException;
import org.pghardstorage.core.storage.StorageUnavailableException;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The storage SPI on Amazon S3 and S3-compatible services. Keys live under the location's prefix in
 * one bucket.
 *
 * <ul>
 *   <li>{@link #putIfAbsent} is a conditional PUT ({@code If-None-Match: *}): S3 lets exactly one
 *       of racing writers create the key, across hosts; the others get 412 (a 409, "a conflicting
 *       write is in progress", is asked again until it becomes 412 or 200). When the SDK had to
 *       send the PUT again (the answer to an earlier attempt was lost) and then gets 412, the
 *       object is read back: holding exactly our bytes, it was our own attempt, and the call
 *       returns {@code true} rather than report a conflict that never happened. Before its first
 *       conditional write a store checks that the service refuses a second create of a probe key,
 *       and fails rather than trust a service that ignores the header.
 *   <li>A PUT is atomic and durable once S3 answers 200: readers see the old object or the new one.
 *   <li>{@link #list} pages through {@code ListObjectsV2}; S3 lists keys in byte order, which is
 *       the order {@link ObjectKey} sorts by.
 * </ul>
 *
 * <p>Errors: 404 {@code NoSuchKey} is {@link ObjectNotFoundException}; 401 and 403 (refused
 * credentials or permissions) and having no credentials at all are {@link
 * StorageAuthenticationException} (exit AUTHENTICATION, not retried); a missing bucket, throttling,
 * 5xx answers and network failures are {@link StorageUnavailableException} (retried by the retry
 * decorator); anything else is {@link StorageException}.
 */
public final class S3ObjectStore implements ObjectStore {
  /** How often a create answered 409 (a racing conditional write in progress) is asked again. */
  private static final int CONFLICT_ATTEMPTS = 6;

  /** The largest array the JVM allocates. */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private final S3Client s3;
  private final S3Location location;
  private volatile boolean closed;
  private volatile boolean conditionalWritesChecked;
  private volatile boolean bucketSeen;

  /** A store over {@code s3}, which it closes when closed. */
  public S3ObjectStore(S3Client s3, S3Location location) {
    this.s3 = Objects.requireNonNull(s3, "s3");
    this.location = Objects.requireNonNull(location, "location");
  }

  @Override
  public boolean putIfAbsent(ObjectKey key, byte[] data) {
    open();
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(data, "data");
    if (!conditionalWritesChecked) {
      checkConditionalWrites();
    }
    return conditionalPut(key, data);
  }

  private boolean conditionalPut(ObjectKey key, byte[] data) {
    for (int attempt = 1; ; attempt++) {
      try {
        s3.putObject(
            b -> b.bucket(location.bucket()).key(name(key)).ifNoneMatch("*"),
            RequestBody.fromBytes(data));
        return true;
      } catch (S3Exception e) {
        if (e.statusCode() == 412) {
          // The key exists. If the SDK sent the request more than once, an earlier attempt may
          // have created it and only its answer was lost: then the object holds exactly our bytes.
          return e.numAttempts() != null && e.numAttempts() > 1 && holds(key, data);
        }
        if (e.statusCode() != 409) {
          throw failure("write", key, e);
        }
        // 409 ConditionalRequestConflict: a racing conditional write to the key is in progress and
        // may still fail; ask again, and the answer is 412 (it won) or 200 (it did not)
        if (attempt == CONFLICT_ATTEMPTS) {
          throw new StorageUnavailableException(
              "S3 kept answering 409 (a conflicting write) to a create of '"
                  + key
                  + "' in "
                  + describe(),
              "retry later",
              e);
        }
        pause(attempt);
      } catch (SdkException e) {
        throw failure("write", key, e);
      }
    }
  }

  /** Whether {@code key} holds exactly {@code data}. */
  private boolean holds(ObjectKey key, byte[] data) {
    try {
      return java.util.Arrays.equals(get(key), data);
    } catch (org.pghardstorage.core.storage.ObjectNotFoundException gone) {
      return false;
    }
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(50L * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageUnavailableException("interrupted while writing to S3", null, e);
    }
  }

  /**
   * Makes sure the service honours {@code If-None-Match: *} before relying on it: some
   * S3-compatible services ignore the header and overwrite, which would let two writers both take a
   * lock. Writes a probe object twice; the second write must be refused.
   */
  private synchronized void checkConditionalWrites() {
    if (conditionalWritesChecked) {
      return;
    }
    ObjectKey probe = ObjectKey.of("probe/conditional-write-" + UUID.randomUUID());
    boolean first = conditionalPut(probe, new byte[] {1});
    try {
      boolean second = conditionalPut(probe, new byte[] {2});
      if (!first || second) {
        throw new StorageException(
            describe()
                + " does not honour conditional writes (If-None-Match: *): a second create of"
                + " one key was not refused",
            "use Amazon S3, or a release of the S3-compatible service that supports"
                + " conditional writes (PutObject with If-None-Match); without them two processes"
                + " could both take the repository lock",
            null);
      }
    } finally {
      delete(probe);
    }
    conditionalWritesChecked = true;
  }

  @Override
  public void put(ObjectKey key, byte[] data) {
    open();
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(data, "data");
    try {
      s3.putObject(b -> b.bucket(location.bucket()).key(name(key)), RequestBody.fromBytes(data));
    } catch (SdkException e) {
      throw failure("write", key, e);
    }
  }

  @Override
  public byte[] get(ObjectKey key) {
    open();
    Objects.requireNonNull(key, "key");
    try (ResponseInputStream<GetObjectResponse> in =
        s3.getObject(b -> b.bucket(location.bucket()).key(name(key)))) {
      Long length = in.response().contentLength();
      if (length != null && length > MAX_ARRAY) {
        in.abort();
        throw new StorageException(
            "object '"
                + key
                + "' in "
                + describe()
                + " is "
                + length
                + " bytes, too large to read whole; read it in ranges",
            null);
      }
      return in.readAllBytes();
    } catch (SdkException e) {
      throw failure("read", key, e);
    } catch (IOException e) {
      throw new StorageUnavailableException(
          "reading '" + key + "' from " + describe() + " failed: " + e.getMessage(),
          "check the network; the read can be retried",
          e);
    }
  }

  @Override
  public byte[] getRange(ObjectKey key, long offset, int length) {
    open();
    Objects.requireNonNull(key, "key");
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "negative range: offset " + offset + ", length " + length + " of '" + key + "'");
    }
    if (length == 0) {
      long size = stat(key).orElseThrow(() -> new ObjectNotFoundException(describe(), key)).size();
      if (offset > size) {
        throw pastEnd(key, offset, length, size);
      }
      return new byte[0];
    }
    byte[] bytes;
    long size;
    try {
      ResponseBytes<GetObjectResponse> r =
          s3.getObjectAsBytes(
              b ->
                  b.bucket(location.bucket())
                      .key(name(key))
                      .range("bytes=" + offset + "-" + (offset + length - 1)));
      bytes = r.asByteArray();
      size = totalSize(r.response(), bytes.length);
    } catch (S3Exception e) {
      if (e.statusCode() == 416) {
        long actual =
            stat(key).orElseThrow(() -> new ObjectNotFoundException(describe(), key)).size();
        throw pastEnd(key, offset, length, actual);
      }
      throw failure("read", key, e);
    } catch (SdkException e) {
      throw failure("read", key, e);
    }
    if (bytes.length != length) {
      throw pastEnd(key, offset, length, size);
    }
    return bytes;
  }

  @Override
  public Optional<ObjectInfo> stat(ObjectKey key) {
    open();
    Objects.requireNonNull(key, "key");
    try {
      HeadObjectResponse h = s3.headObject(b -> b.bucket(location.bucket()).key(name(key)));
      return Optional.of(new ObjectInfo(key, h.contentLength(), h.lastModified()));
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && !noSuchBucket(e)) {
        // HEAD has no body: a missing bucket is told apart by asking for it, once per store
        if (!bucketSeen) {
          bucketExists();
          bucketSeen = true;
        }
        return Optional.empty();
      }
      throw failure("stat", key, e);
    } catch (SdkException e) {
      throw failure("stat", key, e);
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    open();
    Objects.requireNonNull(prefix, "prefix");
    List<ObjectInfo> found = new ArrayList<>();
    if (!ObjectKey.canStartWith(prefix)) {
      return found;
    }
    try {
      ListObjectsV2Request request =
          ListObjectsV2Request.builder()
              .bucket(location.bucket())
              .prefix(location.prefix() + prefix)
              .build();
      for (S3Object o : s3.listObjectsV2Paginator(request).contents()) {
        String name = o.key().substring(location.prefix().length());
        if (ObjectKey.isValid(name)) {
          found.add(new ObjectInfo(ObjectKey.of(name), o.size(), o.lastModified()));
        }
      }
    } catch (SdkException e) {
      throw failure("list", null, e);
    }
    found.sort(Comparator.comparing(ObjectInfo::key));
    return found;
  }

  @Override
  public void delete(ObjectKey key) {
    open();
    Objects.requireNonNull(key, "key");
    try {
      s3.deleteObject(b -> b.bucket(location.bucket()).key(name(key)));
    } catch (SdkException e) {
      throw failure("delete", key, e);
    }
  }

  @Override
  public String describe() {
    return location.describe();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      s3.close();
    }
  }

  private String name(ObjectKey key) {
    return location.prefix() + key.value();
  }

  private void open() {
    if (closed) {
      throw new IllegalStateException(describe() + " is closed");
    }
  }

  private void bucketExists() {
    try {
      s3.headBucket(b -> b.bucket(location.bucket()));
    } catch (SdkException e) {
      throw failure("stat", null, e);
    }
  }

  /** The object's whole size from {@code Content-Range: bytes a-b/size}, else what was read. */
  private static long totalSize(GetObjectResponse r, long fallback) {
    String range = r.contentRange();
    if (range != null && range.contains("/")) {
      try {
        return Long.parseLong(range.substring(range.indexOf('/') + 1).trim());
      } catch (NumberFormatException e) {
        return fallback;
      }
    }
    return fallback;
  }

  private StorageException pastEnd(ObjectKey key, long offset, int length, long size) {
    return new RangeOutsideObjectException(key, offset, length, size, describe());
  }

  private static boolean noSuchBucket(S3Exception e) {
    return e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode());
  }

  /** Where the credentials come from, for a hint (never the credentials). */
  private String credentialsSource() {
    if (location.credentialsFile().isPresent()) {
      return "profile '"
          + location.profile().orElse("default")
          + "' of credentials_file "
          + location.credentialsFile().get();
    }
    return location
        .profile()
        .map(p -> "profile '" + p + "' of ~/.aws")
        .orElse(
            "the SDK's default chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE,"
                + " ~/.aws/credentials, or the instance or container role");
  }

  private String endpointName() {
    return location.endpoint().map(Object::toString).orElse("Amazon S3");
  }

  /** The SPI's exception for an SDK failure of {@code what} on {@code key} (null: the store). */
  private StorageException failure(String what, ObjectKey key, SdkException e) {
    String on = key == null ? describe() : "'" + key + "' in " + describe();
    if (e instanceof S3Exception s) {
      int status = s.statusCode();
      String code = s.awsErrorDetails() != null ? s.awsErrorDetails().errorCode() : null;
      String detail = " (HTTP " + status + (code != null ? " " + code : "") + ")";
      if (status == 404 && key != null && !noSuchBucket(s)) {
        return new ObjectNotFoundException(describe(), key);
      }
      if (noSuchBucket(s) || status == 404) {
        return new StorageUnavailableException(
            "bucket '" + location.bucket() + "' does not exist" + detail,
            "create the bucket (pg_hardstorage never creates one), or correct the URL",
            e);
      }
      if (status == 401 || status == 403) {
        return new StorageAuthenticationException(
            "S3 refused to " + what + " " + on + detail,
            "check the credentials used for bucket '"
                + location.bucket()
                + "' ("
                + credentialsSource()
                + "): the access key must exist on "
                + endpointName()
                + " and the secret key must match it; and check the bucket policy:"
                + " pg_hardstorage needs s3:GetObject, s3:PutObject, s3:DeleteObject and"
                + " s3:ListBucket",
            e);
      }
      if (status == 429 || status == 503 || status >= 500) {
        return new StorageUnavailableException(
            "S3 could not " + what + " " + on + detail, "retry later", e);
      }
      return new StorageException("S3 could not " + what + " " + on + detail, e);
    }
    if (MissingCredentials.in(e)) {
      return new StorageAuthenticationException(
          "no credentials to sign requests to " + describe() + ": " + MissingCredentials.reason(e),
          "give them as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, as a profile (?profile=NAME"
              + " in the URL, or AWS_PROFILE), as ?credentials_file=/path in the URL, or run where"
              + " an instance or container role applies",
          e);
    }
    if (e instanceof SdkClientException) {
      return new StorageUnavailableException(
          "cannot reach S3 to " + what + " " + on + ": " + e.getMessage(),
          "check the network, the endpoint and the region",
          e);
    }
    return new StorageException("S3 could not " + what + " " + on + ": " + e.getMessage(), e);
  }
}

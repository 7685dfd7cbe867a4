package org.pghardstorage.core.repo;

/**
 * Bytes did not decode: failed their seal, had a bad header, or did not decompress. Internal to the
 * codecs; callers that know the object rethrow it as {@link RepositoryCorruptException}.
 */
final class DecodeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DecodeException(String message) {
    super(message);
  }

  DecodeException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The same problem as a {@code repo.corrupt} error naming {@code object}. */
  RepositoryCorruptException corrupt(String object, String context) {
    return new RepositoryCorruptException(object, context + getMessage(), this);
  }
}

package org.pghardstorage.core.storage;

/**
 * The data operations of {@link ObjectStore}, for decorators that count, retry or inject faults per
 * operation and for the metrics the server exports (label {@code operation}).
 */
public enum StorageOperation {
  PUT_IF_ABSENT,
  PUT,
  GET,
  GET_RANGE,
  STAT,
  LIST,
  DELETE
}

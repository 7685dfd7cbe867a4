package org.pghardstorage.core.pg;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One message from the server: its type byte and body (without the length word), with a cursor for
 * reading the body's fields in order. Field readers throw {@link java.nio.BufferUnderflowException}
 * on a short body, which the caller turns into a protocol error.
 */
final class BackendMessage {
  static final byte AUTHENTICATION = 'R';
  static final byte BACKEND_KEY_DATA = 'K';
  static final byte PARAMETER_STATUS = 'S';
  static final byte READY_FOR_QUERY = 'Z';
  static final byte ROW_DESCRIPTION = 'T';
  static final byte DATA_ROW = 'D';
  static final byte COMMAND_COMPLETE = 'C';
  static final byte EMPTY_QUERY = 'I';
  static final byte ERROR_RESPONSE = 'E';
  static final byte NOTICE_RESPONSE = 'N';
  static final byte NOTIFICATION = 'A';
  static final byte COPY_IN_RESPONSE = 'G';
  static final byte COPY_OUT_RESPONSE = 'H';
  static final byte COPY_BOTH_RESPONSE = 'W';
  static final byte COPY_DATA = 'd';
  static final byte COPY_DONE = 'c';
  static final byte NEGOTIATE_PROTOCOL_VERSION = 'v';

  private final byte type;
  private final ByteBuffer body;

  BackendMessage(byte type, byte[] body) {
    this.type = type;
    this.body = ByteBuffer.wrap(body);
  }

  byte type() {
    return type;
  }

  /** The whole body, independent of the read cursor. */
  byte[] bodyArray() {
    return body.array();
  }

  int position() {
    return body.position();
  }

  int remaining() {
    return body.remaining();
  }

  byte int8() {
    return body.get();
  }

  short int16() {
    return body.getShort();
  }

  int int32() {
    return body.getInt();
  }

  long int64() {
    return body.getLong();
  }

  byte[] bytes(int n) {
    byte[] out = new byte[n];
    body.get(out);
    return out;
  }

  /** A NUL-terminated UTF-8 string. */
  String cstring() {
    int start = body.position();
    int end = start;
    byte[] a = body.array();
    while (end < body.limit() && a[end] != 0) {
      end++;
    }
    if (end >= body.limit()) {
      throw new java.nio.BufferUnderflowException();
    }
    body.position(end + 1);
    return new String(a, start, end - start, StandardCharsets.UTF_8);
  }

  /** A printable name of the type byte for messages. */
  static String describe(byte type) {
    return type >= 32 && type < 127
        ? "'" + (char) type + "'"
        : "0x" + Integer.toHexString(type & 0xFF);
  }

  @Override
  public String toString() {
    return "BackendMessage[" + describe(type) + ", " + body.capacity() + " bytes]";
  }
}

package org.pghardstorage.core.pg;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Encoders for the frontend messages of protocol 3.0 that this client sends. */
final class FrontendMessages {
  /** Protocol 3.0: we do not need 3.2's longer cancel keys, and every server from 7.4 speaks it. */
  static final int PROTOCOL_3_0 = 196608;

  static final int SSL_REQUEST_CODE = 80877103;
  static final int CANCEL_REQUEST_CODE = 80877102;

  private FrontendMessages() {}

  static byte[] startup(Map<String, String> parameters) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    parameters.forEach(
        (k, v) -> {
          cstring(body, k);
          cstring(body, v);
        });
    body.write(0);
    byte[] params = body.toByteArray();
    return ByteBuffer.allocate(8 + params.length)
        .putInt(8 + params.length)
        .putInt(PROTOCOL_3_0)
        .put(params)
        .array();
  }

  static byte[] sslRequest() {
    return ByteBuffer.allocate(8).putInt(8).putInt(SSL_REQUEST_CODE).array();
  }

  static byte[] cancelRequest(int pid, byte[] secretKey) {
    return ByteBuffer.allocate(12 + secretKey.length)
        .putInt(12 + secretKey.length)
        .putInt(CANCEL_REQUEST_CODE)
        .putInt(pid)
        .put(secretKey)
        .array();
  }

  /** PasswordMessage carrying a cleartext or MD5-hashed password. */
  static byte[] password(byte[] passwordWithoutNul) {
    byte[] body = new byte[passwordWithoutNul.length + 1];
    System.arraycopy(passwordWithoutNul, 0, body, 0, passwordWithoutNul.length);
    return message('p', body);
  }

  static byte[] saslInitialResponse(String mechanism, byte[] data) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    cstring(body, mechanism);
    body.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    body.writeBytes(data);
    return message('p', body.toByteArray());
  }

  static byte[] saslResponse(byte[] data) {
    return message('p', data);
  }

  static byte[] query(String sql) {
    if (sql.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("query text must not contain NUL characters");
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    cstring(body, sql);
    return message('Q', body.toByteArray());
  }

  static byte[] copyData(byte[] data, int offset, int length) {
    byte[] out = new byte[5 + length];
    ByteBuffer.wrap(out).put((byte) 'd').putInt(4 + length).put(data, offset, length);
    return out;
  }

  static byte[] copyDone() {
    return message('c', new byte[0]);
  }

  static byte[] copyFail(String reason) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    cstring(body, reason);
    return message('f', body.toByteArray());
  }

  static byte[] terminate() {
    return message('X', new byte[0]);
  }

  private static byte[] message(char type, byte[] body) {
    return ByteBuffer.allocate(5 + body.length)
        .put((byte) type)
        .putInt(4 + body.length)
        .put(body)
        .array();
  }

  private static void cstring(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    out.write(0);
  }
}

package org.pghardstorage.core.pg;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Builds the byte stream a PostgreSQL backend would send, for scripted protocol tests. */
final class Backend {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  static Backend script() {
    return new Backend();
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  Backend raw(byte[] b) {
    out.writeBytes(b);
    return this;
  }

  Backend message(char type, byte[] body) {
    out.write(type);
    out.writeBytes(ByteBuffer.allocate(4).putInt(body.length + 4).array());
    out.writeBytes(body);
    return this;
  }

  Backend auth(int code, byte[] extra) {
    return message('R', ByteBuffer.allocate(4 + extra.length).putInt(code).put(extra).array());
  }

  Backend authOk() {
    return auth(0, new byte[0]);
  }

  Backend parameter(String name, String value) {
    return message('S', cstrings(name, value));
  }

  Backend backendKey(int pid, int key) {
    return message('K', ByteBuffer.allocate(8).putInt(pid).putInt(key).array());
  }

  Backend ready(char status) {
    return message('Z', new byte[] {(byte) status});
  }

  /** A complete, successful startup. */
  Backend startup() {
    return startup("16.4 (Debian 16.4-1)");
  }

  /** A complete, successful startup of a server of this {@code server_version}. */
  Backend startup(String serverVersion) {
    return authOk()
        .parameter("server_version", serverVersion)
        .parameter("client_encoding", "UTF8")
        .backendKey(4242, 0x01020304)
        .ready('I');
  }

  Backend rowDescription(String... namesAndOids) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(ByteBuffer.allocate(2).putShort((short) (namesAndOids.length / 2)).array());
    for (int i = 0; i < namesAndOids.length; i += 2) {
      b.writeBytes(cstrings(namesAndOids[i]));
      b.writeBytes(
          ByteBuffer.allocate(18)
              .putInt(0)
              .putShort((short) 0)
              .putInt(Integer.parseInt(namesAndOids[i + 1]))
              .putShort((short) -1)
              .putInt(-1)
              .putShort((short) 0)
              .array());
    }
    return message('T', b.toByteArray());
  }

  Backend dataRow(String... values) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(ByteBuffer.allocate(2).putShort((short) values.length).array());
    for (String v : values) {
      if (v == null) {
        b.writeBytes(ByteBuffer.allocate(4).putInt(-1).array());
      } else {
        byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
        b.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        b.writeBytes(bytes);
      }
    }
    return message('D', b.toByteArray());
  }

  Backend commandComplete(String tag) {
    return message('C', cstrings(tag));
  }

  Backend error(Map<Character, String> fields) {
    return fields('E', fields);
  }

  Backend notice(Map<Character, String> fields) {
    return fields('N', fields);
  }

  private Backend fields(char type, Map<Character, String> fields) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    fields.forEach(
        (k, v) -> {
          b.write(k);
          b.writeBytes(cstrings(v));
        });
    b.write(0);
    return message(type, b.toByteArray());
  }

  Backend error(String severity, String sqlState, String text) {
    return error(
        new java.util.LinkedHashMap<>(
            Map.of('S', severity, 'V', severity, 'C', sqlState, 'M', text)));
  }

  Backend copyOutResponse() {
    return message('H', new byte[] {0, 0, 0});
  }

  Backend copyInResponse() {
    return message('G', new byte[] {0, 0, 0});
  }

  Backend copyBothResponse() {
    return message('W', new byte[] {0, 0, 0});
  }

  Backend copyData(byte[] data) {
    return message('d', data);
  }

  Backend copyDone() {
    return message('c', new byte[0]);
  }

  static byte[] cstrings(String... strings) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (String s : strings) {
      b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      b.write(0);
    }
    return b.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }
}

package org.pghardstorage.core.pg;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * Turns a libpq connection string, either {@code key=value} pairs or a {@code postgresql://} URI,
 * into a map of keywords. The quoting, escaping and URI rules follow libpq's {@code conninfo_parse}
 * and {@code conninfo_uri_parse}. Error messages never echo a password.
 */
final class ConnInfoParser {
  /** The keywords we accept; libpq knows more, but we refuse what we would silently ignore. */
  static final Set<String> KEYWORDS =
      Set.of(
          "host",
          "hostaddr",
          "port",
          "user",
          "dbname",
          "password",
          "passfile",
          "sslmode",
          "sslrootcert",
          "sslcert",
          "sslkey",
          "application_name",
          "connect_timeout",
          "require_auth",
          "channel_binding");

  private static final String[] URI_PREFIXES = {"postgresql://", "postgres://"};

  private ConnInfoParser() {}

  static Map<String, String> parse(String conninfo) {
    for (String prefix : URI_PREFIXES) {
      if (conninfo.startsWith(prefix)) {
        return parseUri(conninfo, prefix.length());
      }
    }
    return parseKeywordValue(conninfo);
  }

  // ---- keyword = value ----------------------------------------------------------------------

  private static Map<String, String> parseKeywordValue(String s) {
    Map<String, String> result = new LinkedHashMap<>();
    int i = 0;
    int n = s.length();
    while (true) {
      i = skipSpace(s, i);
      if (i >= n) {
        return result;
      }
      int keyStart = i;
      while (i < n && s.charAt(i) != '=' && !Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      String key = s.substring(keyStart, i);
      i = skipSpace(s, i);
      if (i >= n || s.charAt(i) != '=') {
        throw invalid(
            "missing \"=\" after \"" + key + "\" in connection info string",
            "write key=value pairs separated by spaces");
      }
      i = skipSpace(s, i + 1);
      StringBuilder value = new StringBuilder();
      if (i < n && s.charAt(i) == '\'') {
        i++;
        boolean closed = false;
        while (i < n) {
          char c = s.charAt(i++);
          if (c == '\\' && i < n) {
            value.append(s.charAt(i++));
          } else if (c == '\'') {
            closed = true;
            break;
          } else {
            value.append(c);
          }
        }
        if (!closed) {
          throw invalid(
              "unterminated quoted string in connection info string (value of \"" + key + "\")",
              "close the single quote; write \\' for a quote and \\\\ for a backslash inside it");
        }
      } else {
        while (i < n && !Character.isWhitespace(s.charAt(i))) {
          char c = s.charAt(i++);
          if (c == '\\' && i < n) {
            value.append(s.charAt(i++));
          } else {
            value.append(c);
          }
        }
      }
      put(result, key, value.toString());
    }
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  // ---- URI ----------------------------------------------------------------------------------

  private static Map<String, String> parseUri(String uri, int start) {
    Map<String, String> result = new LinkedHashMap<>();
    int n = uri.length();
    int end = start;
    while (end < n && uri.charAt(end) != '/' && uri.charAt(end) != '?') {
      end++;
    }
    String authority = uri.substring(start, end);
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      int colon = userInfo.indexOf(':');
      String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
      if (!user.isEmpty()) {
        put(result, "user", decode(user, "user"));
      }
      if (colon >= 0) {
        put(result, "password", decode(userInfo.substring(colon + 1), "password"));
      }
      authority = authority.substring(at + 1);
    }
    parseHosts(authority, result);

    int i = end;
    if (i < n && uri.charAt(i) == '/') {
      int q = uri.indexOf('?', i);
      String db = uri.substring(i + 1, q < 0 ? n : q);
      if (!db.isEmpty()) {
        put(result, "dbname", decode(db, "dbname"));
      }
      i = q < 0 ? n : q;
    }
    if (i < n && uri.charAt(i) == '?') {
      parseQuery(uri.substring(i + 1), result);
    }
    return result;
  }

  private static void parseHosts(String hostList, Map<String, String> result) {
    if (hostList.isEmpty()) {
      return;
    }
    List<String> hosts = new ArrayList<>();
    List<String> ports = new ArrayList<>();
    for (String part : hostList.split(",", -1)) {
      String host;
      String port;
      if (part.startsWith("[")) {
        int close = part.indexOf(']');
        if (close < 0) {
          throw invalid(
              "missing \"]\" in IPv6 host address in URI: \"" + part + "\"",
              "write IPv6 addresses as [::1]");
        }
        host = part.substring(1, close);
        String rest = part.substring(close + 1);
        if (!rest.isEmpty() && !rest.startsWith(":")) {
          throw invalid(
              "unexpected \"" + rest + "\" after IPv6 host address in URI", "write [address]:port");
        }
        port = rest.isEmpty() ? "" : rest.substring(1);
      } else {
        int colon = part.lastIndexOf(':');
        host = colon < 0 ? part : part.substring(0, colon);
        port = colon < 0 ? "" : part.substring(colon + 1);
      }
      hosts.add(decode(host, "host"));
      ports.add(decode(port, "port"));
    }
    if (hosts.stream().anyMatch(h -> !h.isEmpty())) {
      put(result, "host", String.join(",", hosts));
    }
    if (ports.stream().anyMatch(p -> !p.isEmpty())) {
      put(result, "port", String.join(",", ports));
    }
  }

  private static void parseQuery(String query, Map<String, String> result) {
    if (query.isEmpty()) {
      return;
    }
    for (String param : query.split("&", -1)) {
      int eq = param.indexOf('=');
      if (eq < 0 || param.indexOf('=', eq + 1) >= 0) {
        throw invalid(
            "malformed URI parameter \"" + maskPasswordParam(param) + "\"",
            "write parameters as ?key=value&key=value");
      }
      String key = decode(param.substring(0, eq), "parameter name");
      String value = decode(param.substring(eq + 1), key);
      if (key.equals("ssl") && value.equals("true")) {
        // libpq maps the JDBC-style ssl=true to sslmode=require.
        key = "sslmode";
        value = "require";
      }
      put(result, key, value);
    }
  }

  private static String maskPasswordParam(String param) {
    return param.startsWith("password=") ? "password=********" : param;
  }

  private static String decode(String s, String what) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw badPercent(s, what);
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw badPercent(s, what);
        }
        int b = hi << 4 | lo;
        if (b == 0) {
          throw invalid(
              "forbidden value %00 in percent-encoded " + what + " in URI",
              "remove the NUL character");
        }
        out.write(b);
        i += 2;
      } else {
        byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static HardstorageException badPercent(String s, String what) {
    String shown = what.equals("password") ? "********" : "\"" + s + "\"";
    return invalid(
        "invalid percent-encoded token in " + what + " " + shown + " in URI",
        "encode reserved characters as %XX with two hexadecimal digits");
  }

  // ---- shared -------------------------------------------------------------------------------

  private static void put(Map<String, String> result, String key, String value) {
    if (!KEYWORDS.contains(key)) {
      throw new HardstorageException(
          "pg.conninfo_invalid",
          ExitCode.USAGE,
          "invalid connection option \"" + key + "\"",
          "use only " + String.join(", ", KEYWORDS.stream().sorted().toList()));
    }
    result.put(key, value);
  }

  static HardstorageException invalid(String message, String suggestion) {
    return new HardstorageException("pg.conninfo_invalid", ExitCode.USAGE, message, suggestion);
  }
}

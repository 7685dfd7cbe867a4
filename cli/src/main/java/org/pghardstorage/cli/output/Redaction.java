package org.pghardstorage.cli.output;

import java.util.regex.Pattern;

/**
 * Masks secrets in text that may echo what the operator typed (a usage error repeats the arguments,
 * a conninfo among them): {@code password=...} in conninfo strings and the password of {@code
 * scheme://user:password@host} URLs.
 */
public final class Redaction {
  private static final Pattern CONNINFO_PASSWORD =
      Pattern.compile("(?i)(password\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'|[^\\s']+)");
  private static final Pattern URL_PASSWORD =
      Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\\s]*:)([^@\\s]+)(@)");

  private Redaction() {}

  /** {@code text} with every recognisable password replaced by {@code ********}. */
  public static String secrets(String text) {
    if (text == null) {
      return null;
    }
    String s = CONNINFO_PASSWORD.matcher(text).replaceAll("$1********");
    return URL_PASSWORD.matcher(s).replaceAll("$1********$3");
  }
}

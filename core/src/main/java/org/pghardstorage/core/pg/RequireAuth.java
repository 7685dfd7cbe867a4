package org.pghardstorage.core.pg;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * libpq's {@code require_auth} (PostgreSQL 16 and later): which authentication methods the server
 * may ask for. A comma-separated list of {@code password}, {@code md5}, {@code gss}, {@code sspi},
 * {@code scram-sha-256} and {@code none}; the server must use one of them. With every entry negated
 * ({@code !md5,!password}) the server must use none of them and may skip authentication. {@code
 * none} (or {@code !none}) allows (or forbids) a server that asks for no password at all ({@code
 * trust}, {@code cert}). Mixing negated and plain entries, an unknown method or a repeated one is
 * refused, as libpq refuses it.
 *
 * <p>Unlike libpq, whose default accepts every method, our default is {@link #DEFAULT} ({@code
 * scram-sha-256,none}): a password we hold is never sent in cleartext or as an MD5 hash unless the
 * connection string allows it, so a forged or misconfigured server cannot harvest it.
 */
public final class RequireAuth {
  /** An authentication method a server can ask for, as {@code require_auth} spells it. */
  public enum Method {
    /** {@code AuthenticationCleartextPassword}: the password itself goes over the wire. */
    PASSWORD("password"),
    /** {@code AuthenticationMD5Password}: a replayable hash of the password and the role name. */
    MD5("md5"),
    /** GSSAPI (Kerberos); pg_hardstorage does not implement it. */
    GSS("gss"),
    /** SSPI (Windows); pg_hardstorage does not implement it. */
    SSPI("sspi"),
    /** SASL with SCRAM-SHA-256 or SCRAM-SHA-256-PLUS: the password never leaves the client. */
    SCRAM_SHA_256("scram-sha-256");

    private final String keyword;

    Method(String keyword) {
      this.keyword = keyword;
    }

    /** The spelling in {@code require_auth}. */
    public String keyword() {
      return keyword;
    }
  }

  private static final String NONE = "none";

  /** What applies when the connection string sets no {@code require_auth}. */
  public static final RequireAuth DEFAULT =
      new RequireAuth(EnumSet.of(Method.SCRAM_SHA_256), true, false, "scram-sha-256,none", true);

  private final Set<Method> allowed;
  private final boolean noneAllowed;
  private final boolean negated;
  private final String text;
  private final boolean isDefault;

  private RequireAuth(
      Set<Method> allowed, boolean noneAllowed, boolean negated, String text, boolean isDefault) {
    this.allowed = Set.copyOf(allowed);
    this.noneAllowed = noneAllowed;
    this.negated = negated;
    this.text = text;
    this.isDefault = isDefault;
  }

  /**
   * Parses a {@code require_auth} value with libpq's rules.
   *
   * @throws org.pghardstorage.core.error.HardstorageException {@code pg.conninfo_invalid} (exit
   *     USAGE) naming the offending entry
   */
  public static RequireAuth parse(String value) {
    Objects.requireNonNull(value, "value");
    Set<Method> allowed = EnumSet.noneOf(Method.class);
    Set<String> seen = new java.util.HashSet<>();
    boolean first = true;
    boolean negated = false;
    boolean noneAllowed = false;
    for (String raw : value.split(",", -1)) {
      String entry = raw.strip();
      boolean not = entry.startsWith("!");
      if (first) {
        negated = not;
        if (negated) {
          // every method except the ones listed, and "no authentication" too (libpq's rule)
          allowed = EnumSet.allOf(Method.class);
          noneAllowed = true;
        }
      } else if (not != negated) {
        throw ConnInfoParser.invalid(
            "require_auth method \""
                + entry
                + "\" cannot be mixed with "
                + (negated ? "negative" : "non-negative")
                + " methods (in \""
                + value
                + "\")",
            "list only methods the server may use (require_auth=scram-sha-256,none) or only"
                + " methods it must not use (require_auth=!password,!md5)");
      }
      first = false;
      String name = not ? entry.substring(1) : entry;
      if (!seen.add(name)) {
        throw ConnInfoParser.invalid(
            "require_auth method \"" + name + "\" is specified more than once", "list it once");
      }
      if (name.equals(NONE)) {
        noneAllowed = !not;
        continue;
      }
      Method method = method(name, value);
      if (not) {
        allowed.remove(method);
      } else {
        allowed.add(method);
      }
    }
    return new RequireAuth(allowed, noneAllowed, negated, value, false);
  }

  private static Method method(String name, String value) {
    for (Method m : Method.values()) {
      if (m.keyword.equals(name)) {
        return m;
      }
    }
    throw ConnInfoParser.invalid(
        "invalid require_auth value: \"" + name + "\" (in \"" + value + "\")",
        "use password, md5, gss, sspi, scram-sha-256 or none, each optionally negated with !");
  }

  /** Whether the server may ask for {@code method}. */
  public boolean allows(Method method) {
    return allowed.contains(method);
  }

  /** Whether the server may let us in without asking for any credentials (trust, cert). */
  public boolean allowsNone() {
    return noneAllowed;
  }

  /** Whether this is {@link #DEFAULT}, applied because the connection string set nothing. */
  public boolean isDefault() {
    return isDefault;
  }

  /** The setting as written, {@code scram-sha-256,none} for the default. */
  public String text() {
    return text;
  }

  /**
   * The smallest change of this setting that also allows {@code method}: the {@code require_auth}
   * value to write, or empty when the keyword should simply be removed (a negated list that would
   * become empty).
   */
  public String allowing(Method method) {
    return allowing(method.keyword, method, false);
  }

  /** As {@link #allowing(Method)}, for a server that asks for no authentication at all. */
  public String allowingNone() {
    return allowing(NONE, null, true);
  }

  private String allowing(String keyword, Method method, boolean none) {
    List<String> entries = new ArrayList<>();
    if (negated) {
      for (String raw : text.split(",", -1)) {
        String entry = raw.strip();
        if (!entry.equals("!" + keyword)) {
          entries.add(entry);
        }
      }
      return String.join(",", entries);
    }
    for (Method m : Method.values()) {
      if (allowed.contains(m) || m == method) {
        entries.add(m.keyword);
      }
    }
    if (noneAllowed || none) {
      entries.add(NONE);
    }
    return String.join(",", entries);
  }

  /** The methods allowed, for messages: {@code scram-sha-256, none}. */
  String describeAllowed() {
    String methods = allowed.stream().map(Method::keyword).collect(Collectors.joining(", "));
    if (noneAllowed) {
      return methods.isEmpty() ? NONE : methods + ", " + NONE;
    }
    return methods.isEmpty() ? "(nothing)" : methods;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RequireAuth r
        && r.allowed.equals(allowed)
        && r.noneAllowed == noneAllowed
        && r.negated == negated;
  }

  @Override
  public int hashCode() {
    return Objects.hash(allowed, noneAllowed, negated);
  }

  @Override
  public String toString() {
    return "require_auth=" + text;
  }
}

package org.pghardstorage.core.pg;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * libpq's {@code sslmode=verify-full} host name check: the host must match a Subject Alternative
 * Name (dNSName, or iPAddress for an address), case-insensitively, where {@code *.} as the first
 * label matches exactly one label. The Common Name counts only when the certificate has no SAN of
 * the host's kind, as in libpq 14 and later.
 */
final class HostnameMatcher {
  private static final int SAN_DNS = 2;
  private static final int SAN_IP = 7;
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private HostnameMatcher() {}

  /** Whether the certificate names {@code host}. */
  static boolean matches(String host, X509Certificate cert) {
    boolean hostIsIp = isIpLiteral(host);
    boolean sanOfHostKind = false;
    Collection<List<?>> sans;
    try {
      sans = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return false;
    }
    if (sans != null) {
      for (List<?> san : sans) {
        int type = (Integer) san.get(0);
        String value = String.valueOf(san.get(1));
        if (type == SAN_DNS) {
          sanOfHostKind |= !hostIsIp;
          if (nameMatches(value, host)) {
            return true;
          }
        } else if (type == SAN_IP) {
          sanOfHostKind |= hostIsIp;
          if (hostIsIp && sameAddress(value, host)) {
            return true;
          }
        }
      }
    }
    if (sanOfHostKind) {
      return false;
    }
    for (String cn : commonNames(cert)) {
      if (nameMatches(cn, host)) {
        return true;
      }
    }
    return false;
  }

  /** The names the certificate carries, for error messages. */
  static List<String> names(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    try {
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> san : cert.getSubjectAlternativeNames()) {
          names.add(String.valueOf(san.get(1)));
        }
      }
    } catch (CertificateParsingException e) {
      names.add("(unparsable subjectAltName)");
    }
    names.addAll(commonNames(cert));
    return names;
  }

  static boolean nameMatches(String pattern, String host) {
    if (pattern.indexOf('\0') >= 0) {
      return false; // an embedded NUL is an attack on C string handling; libpq refuses it too
    }
    String p = pattern.toLowerCase(Locale.ROOT);
    String h = host.toLowerCase(Locale.ROOT);
    if (p.equals(h)) {
      return true;
    }
    if (p.length() >= 3 && p.startsWith("*.")) {
      int dot = h.indexOf('.');
      return dot > 0 && h.substring(dot).equals(p.substring(1));
    }
    return false;
  }

  static boolean isIpLiteral(String host) {
    if (IPV4.matcher(host).matches()) {
      for (String octet : host.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          return false;
        }
      }
      return true;
    }
    return host.indexOf(':') >= 0;
  }

  private static boolean sameAddress(String sanValue, String host) {
    try {
      // Both are literals here, so no name lookup happens.
      return InetAddress.getByName(sanValue).equals(InetAddress.getByName(host));
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static List<String> commonNames(X509Certificate cert) {
    List<String> cns = new ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          cns.add(String.valueOf(rdn.getValue()));
        }
      }
    } catch (InvalidNameException e) {
      // an unparsable subject names nothing we could match
      return List.of();
    }
    return cns;
  }
}

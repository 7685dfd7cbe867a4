package org.pghardstorage.core.pg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a libpq password file ({@code ~/.pgpass} or {@code PGPASSFILE}): lines of {@code
 * hostname:port:database:username:password}, {@code *} matching anything in the first four fields,
 * {@code \:} and {@code \\} escaping, {@code #} starting a comment, first match wins. Like libpq, a
 * file that group or others may read is ignored with a warning, because a password file anyone can
 * read is a leak we should not endorse.
 */
final class PgPassFile {
  private static final Logger LOG = LoggerFactory.getLogger(PgPassFile.class);
  private static final Set<PosixFilePermission> TOO_OPEN =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private PgPassFile() {}

  /**
   * The password of the first matching line, or empty if the file is missing, unsafe or has no
   * match.
   *
   * @throws java.io.UncheckedIOException if the file exists but cannot be read
   */
  static Optional<String> lookup(Path file, String host, int port, String database, String user) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    if (!Files.isRegularFile(file)) {
      LOG.warn("password file \"{}\" is not a plain file; ignoring it", file);
      return Optional.empty();
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.stream().anyMatch(TOO_OPEN::contains)) {
        LOG.warn(
            "password file \"{}\" has group or world access; permissions should be u=rw (0600)"
                + " or less; ignoring it",
            file);
        return Optional.empty();
      }
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system (Windows): libpq skips the check there too.
      LOG.debug("cannot check permissions of {}: {}", file, e.toString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read password file " + file, e);
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read password file " + file, e);
    }
    return match(lines, host, Integer.toString(port), database, user);
  }

  /** The password of the first line among {@code lines} that matches. */
  static Optional<String> match(
      List<String> lines, String host, String port, String database, String user) {
    String[] wanted = {host, port, database, user};
    for (String raw : lines) {
      String line = stripLineEnd(raw);
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      List<Field> fields = split(line);
      if (fields.size() < 5) {
        continue;
      }
      boolean matches = true;
      for (int i = 0; i < 4 && matches; i++) {
        matches = fields.get(i).wildcard() || fields.get(i).value().equals(wanted[i]);
      }
      if (matches) {
        return Optional.of(fields.get(4).value());
      }
    }
    return Optional.empty();
  }

  private static String stripLineEnd(String line) {
    int end = line.length();
    while (end > 0 && (line.charAt(end - 1) == '\r' || line.charAt(end - 1) == '\n')) {
      end--;
    }
    return line.substring(0, end);
  }

  /** One field; {@code wildcard} only for an unescaped lone {@code *}. */
  private record Field(String value, boolean wildcard) {}

  /**
   * Splits on unescaped colons into at most five fields; the fifth (the password) is the rest of
   * the line with its escapes removed, so it may contain colons.
   */
  private static List<Field> split(String line) {
    List<Field> fields = new ArrayList<>(5);
    StringBuilder current = new StringBuilder();
    boolean escaped = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length()) {
        current.append(line.charAt(++i));
        escaped = true;
      } else if (c == ':' && fields.size() < 4) {
        fields.add(field(current, escaped));
        current.setLength(0);
        escaped = false;
      } else {
        current.append(c);
      }
    }
    fields.add(field(current, escaped));
    return fields;
  }

  private static Field field(StringBuilder text, boolean escaped) {
    String value = text.toString();
    return new Field(value, !escaped && value.equals("*"));
  }
}

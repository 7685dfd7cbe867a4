package org.pghardstorage.cli.init;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The clusters of Debian's and Ubuntu's {@code postgresql-common}: {@code
 * /etc/postgresql/VERSION/NAME/postgresql.conf}, each with its own {@code port}. A second cluster
 * usually listens on 5433, which probing the default port would miss.
 */
public final class DebianClusters {
  private static final Path ROOT = Path.of("/etc/postgresql");
  private static final Pattern PORT =
      Pattern.compile("^\\s*port\\s*=?\\s*'?(\\d{1,5})'?\\s*(?:#.*)?$", Pattern.MULTILINE);

  private DebianClusters() {}

  /** The clusters on this host, as loopback candidates; none if this is not such a host. */
  public static List<Candidate> find() {
    return find(ROOT);
  }

  static List<Candidate> find(Path root) {
    List<Candidate> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> confs = Files.walk(root, 3)) {
      for (Path conf :
          confs
              .filter(p -> p.getFileName().toString().equals("postgresql.conf"))
              .sorted()
              .toList()) {
        Path rel = root.relativize(conf.getParent());
        port(conf)
            .ifPresent(port -> out.add(new Candidate("127.0.0.1", port, "Debian cluster " + rel)));
      }
    } catch (IOException | RuntimeException e) {
      return out; // unreadable packaging metadata only means fewer places to look
    }
    return out;
  }

  /** The last {@code port} setting of a postgresql.conf, as PostgreSQL reads it. */
  static OptionalInt port(Path conf) {
    try {
      Matcher m = PORT.matcher(Files.readString(conf, StandardCharsets.UTF_8));
      OptionalInt last = OptionalInt.empty();
      while (m.find()) {
        int p = Integer.parseInt(m.group(1));
        if (p >= 1 && p <= 65535) {
          last = OptionalInt.of(p);
        }
      }
      return last.isPresent() ? last : OptionalInt.of(PostgresDetector.DEFAULT_PORT);
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
  }
}

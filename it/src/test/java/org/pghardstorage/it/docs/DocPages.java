package org.pghardstorage.it.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.pghardstorage.devstack.Locations;

/**
 * The pages the docs test runs: every Markdown file of {@code docs/tutorials} and {@code
 * docs/how-to}.
 */
final class DocPages {
  static final List<String> DIRECTORIES = List.of("tutorials", "how-to");

  private DocPages() {}

  /** {@code docs/} of this source tree. */
  static Path docsDir() {
    return Locations.projectRoot()
        .orElseThrow(
            () ->
                new IllegalStateException("no project root above " + Path.of("").toAbsolutePath()))
        .resolve("docs");
  }

  /** Every page, parsed, tutorials first, each directory in file-name order. */
  static List<DocPage> all() {
    Path docs = docsDir();
    return DIRECTORIES.stream()
        .flatMap(
            d -> {
              try (Stream<Path> files = Files.list(docs.resolve(d))) {
                return files.filter(p -> p.toString().endsWith(".md")).sorted().toList().stream();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .map(p -> parse(docs, p))
        .toList();
  }

  private static DocPage parse(Path docs, Path file) {
    try {
      return DocParser.parse(docs.relativize(file).toString(), Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

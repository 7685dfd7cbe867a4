package org.pghardstorage.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads a module's Java sources for tests that hold an architectural rule (what a layer may name),
 * so a broken rule fails with the file and the offending name.
 */
public final class SourceScan {
  private SourceScan() {}

  /** Every match of {@code pattern} in the {@code .java} files under {@code sources}. */
  public static List<String> matches(Path sources, Pattern pattern) {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        Matcher m = pattern.matcher(Files.readString(f));
        while (m.find()) {
          found.add(sources.relativize(f) + ": " + m.group());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  /** Every occurrence of any of {@code texts} in the {@code .java} files under {@code sources}. */
  public static List<String> mentions(Path sources, List<String> texts) {
    return matches(
        sources,
        Pattern.compile(texts.stream().map(Pattern::quote).collect(Collectors.joining("|"))));
  }
}

package org.pghardstorage.it.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The fault suite's figures (kill points survived, faults injected, attacks refused, commits lost):
 * printed as each is measured and appended to {@code target/fault-suite-figures.txt}, the file CI
 * keeps and {@code docs/explanation/reliability.md} describes.
 */
final class FaultFigures {
  static final Path FILE = Path.of("target", "fault-suite-figures.txt");

  private FaultFigures() {}

  static synchronized void record(String figure, String value) {
    String line = Instant.now() + "  " + figure + ": " + value + System.lineSeparator();
    System.out.print("fault suite: " + line);
    try {
      Files.createDirectories(FILE.getParent());
      Files.writeString(
          FILE, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

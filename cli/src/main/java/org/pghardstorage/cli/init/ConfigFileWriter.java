package org.pghardstorage.cli.init;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * Writes {@code pg_hardstorage.yml} for one deployment, and the password file it may point to.
 * Never replaces an existing file. The configuration holds no secret: a password goes into a file
 * of its own, readable by its owner only.
 */
public final class ConfigFileWriter {
  private ConfigFileWriter() {}

  /**
   * What to write.
   *
   * @param deployment the deployment name
   * @param connection the conninfo, without password
   * @param repository the repository URL
   * @param passwordFile a file holding the password, or null
   * @param kek the repository key reference ({@code passphrase-file:/path}), or null
   */
  public record Settings(
      String deployment, String connection, String repository, Path passwordFile, String kek) {}

  /** The file's text. Strings are YAML double-quoted scalars, so no value can change the shape. */
  public static String render(Settings s, Instant now) {
    StringBuilder y = new StringBuilder();
    y.append("# pg_hardstorage configuration, written by 'pg_hardstorage init' on ")
        .append(now.truncatedTo(ChronoUnit.SECONDS))
        .append(".\n");
    y.append("# Settings: docs/reference/configuration.md. Secrets never go in this file.\n");
    y.append("repository: ").append(quote(s.repository())).append('\n');
    y.append("deployments:\n");
    y.append("  ").append(s.deployment()).append(":\n");
    y.append("    connection: ").append(quote(s.connection())).append('\n');
    if (s.passwordFile() != null) {
      y.append("    password_file: ").append(quote(s.passwordFile().toString())).append('\n');
    }
    if (s.kek() != null) {
      y.append("    kek: ").append(quote(s.kek())).append('\n');
    }
    return y.toString();
  }

  /**
   * Creates {@code file} (and its directory) with {@code text}.
   *
   * @throws HardstorageException {@code init.config_exists} (CONFLICT) if it exists
   */
  public static void write(Path file, String text) {
    try {
      createParent(file);
      Files.writeString(
          file,
          text,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException e) {
      throw exists(file);
    } catch (IOException e) {
      throw cannotWrite(file, e);
    }
  }

  /**
   * Creates {@code file}, mode 0600 from the start, holding {@code password} and a newline. The
   * caller's array is not kept.
   *
   * @throws HardstorageException {@code init.password_file_exists} (CONFLICT) if it exists
   */
  public static void writePassword(Path file, char[] password) {
    byte[] bytes = null;
    try {
      createParent(file);
      var buffer = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
      bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      try (OutputStream out =
          Files.newOutputStream(
              Files.createFile(
                  file,
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------"))),
              StandardOpenOption.WRITE)) {
        out.write(bytes);
        out.write('\n');
      }
    } catch (FileAlreadyExistsException e) {
      throw new HardstorageException(
          "init.password_file_exists",
          ExitCode.CONFLICT,
          "password file " + file + " already exists; init never overwrites files",
          "remove it or choose another deployment name");
    } catch (IOException e) {
      throw cannotWrite(file, e);
    } finally {
      if (bytes != null) {
        Arrays.fill(bytes, (byte) 0);
      }
    }
  }

  /** The refusal for an existing configuration file: what to do instead. */
  public static HardstorageException exists(Path file) {
    return new HardstorageException(
        "init.config_exists",
        ExitCode.CONFLICT,
        "configuration file " + file + " already exists; init never overwrites it",
        "add the deployment to that file by hand (docs/reference/configuration.md), or pass"
            + " --config with another path, or move the file away and run init again");
  }

  /** {@code value} as a YAML double-quoted scalar (JSON string syntax, which YAML accepts). */
  static String quote(String value) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  private static void createParent(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }

  private static HardstorageException cannotWrite(Path file, IOException e) {
    return new HardstorageException(
        "init.cannot_write",
        ExitCode.ERROR,
        "cannot write " + file + ": " + e,
        "check that this user may create that file, or pass --config with another path",
        e);
  }
}

package org.pghardstorage.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/** Turns exceptions the engine did not classify into operator-facing errors. */
final class Errors {
  private Errors() {}

  static HardstorageException unexpected(Exception e) {
    Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
    if (t instanceof NoSuchFileException n) {
      return new HardstorageException(
          "file.not_found", ExitCode.NOT_FOUND, "no such file: " + n.getFile(), null, e);
    }
    if (t instanceof AccessDeniedException a) {
      return new HardstorageException(
          "file.access_denied",
          ExitCode.ERROR,
          "permission denied: " + a.getFile(),
          "check the owner and mode of that path for the user running pg_hardstorage",
          e);
    }
    if (t instanceof IOException io) {
      return new HardstorageException(
          "io.error", ExitCode.ERROR, "I/O error: " + io.getMessage(), null, e);
    }
    return new HardstorageException(
        "internal.error",
        ExitCode.ERROR,
        "internal error: " + e,
        "run again with --debug and report the stack trace",
        e);
  }
}

package org.pghardstorage.web;

import org.pghardstorage.core.error.HardstorageException;

/**
 * An engine error as the console shows it: the same code, detail and suggestion the REST API puts
 * in its problem document, so that a page and the API say the same thing about the same input.
 *
 * @param code the dotted error code
 * @param detail what exactly went wrong
 * @param suggestion what to do next, or blank
 */
public record EngineError(String code, String detail, String suggestion) {
  /**
   * The engine error behind {@code e}: the EJB container may have wrapped it (a bean outside the
   * modules that declare it an application exception threw it).
   *
   * @throws RuntimeException {@code e} itself when no engine error is behind it: an unexpected
   *     failure is the server's, not the user's, and is left to the error page and the log
   */
  public static EngineError of(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof HardstorageException h) {
        return new EngineError(h.code(), h.getMessage(), h.suggestion().orElse(""));
      }
    }
    throw e;
  }
}

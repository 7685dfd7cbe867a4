package org.pghardstorage.core.task;

/**
 * Receives {@link Progress} reports. Tasks call it from the thread that runs the task (never from
 * their worker threads), one call at a time, after each unit of work of a few MiB; a listener that
 * draws a progress bar may throttle further. It must return quickly: the task waits for it.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that ignores every report. */
  ProgressListener NONE = progress -> {};

  /** Called with the newest counts. */
  void onProgress(Progress progress);
}

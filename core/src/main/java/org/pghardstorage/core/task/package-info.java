/**
 * Support for the engine's long-running tasks (restore, verify; later backup): {@link
 * org.pghardstorage.core.task.Progress} reports with their {@link
 * org.pghardstorage.core.task.ProgressListener}, and {@link
 * org.pghardstorage.core.task.WorkerPool}, a bounded pool of named threads that a task owns and
 * closes.
 */
package org.pghardstorage.core.task;

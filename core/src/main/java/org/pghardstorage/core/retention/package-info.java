/**
 * Retention: which backups to keep ({@link org.pghardstorage.core.retention.GfsPolicy}), what
 * deleting the others frees (a {@link org.pghardstorage.core.retention.RetentionPlan}: backups, the
 * WAL before the oldest kept backup, packs only they used), and doing it safely ({@link
 * org.pghardstorage.core.retention.Rotator}): under an exclusive repository lock, manifests first,
 * then WAL, then garbage collection, so that a stop at any point leaves every kept backup
 * restorable.
 */
package org.pghardstorage.core.retention;

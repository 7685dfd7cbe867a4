/**
 * Restore: materialises a PostgreSQL data directory from a backup in the repository. {@link
 * org.pghardstorage.core.restore.Restorer} runs a {@link
 * org.pghardstorage.core.restore.RestoreRequest} (or previews it as a {@link
 * org.pghardstorage.core.restore.RestorePreview}); {@link
 * org.pghardstorage.core.restore.BackupChooser} resolves which backup a {@link
 * org.pghardstorage.core.restore.BackupSelector} means; {@link
 * org.pghardstorage.core.restore.RecoverySettings} is what the restored server recovers with.
 * Behaviour and error codes: {@code docs/explanation/restore-and-verify.md}.
 */
package org.pghardstorage.core.restore;

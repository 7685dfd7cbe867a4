/**
 * Verify: proves that a backup restores without writing a data directory. {@link
 * org.pghardstorage.core.verify.Verifier} re-reads every pack the backup uses, re-assembles every
 * file and compares it with our manifest and PostgreSQL's {@code backup_manifest}, and checks the
 * WAL the backup needs; it reports every problem it finds in a {@link
 * org.pghardstorage.core.verify.VerifyReport}.
 */
package org.pghardstorage.core.verify;

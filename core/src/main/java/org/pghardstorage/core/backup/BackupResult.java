package org.pghardstorage.core.backup;

import java.time.Duration;
import org.pghardstorage.core.repo.manifest.BackupManifest;

/**
 * A committed backup.
 *
 * @param manifest what was stored, as committed
 * @param duration wall time
 * @param walSegments WAL segments this backup made durable itself (0 when a streamer did it)
 */
public record BackupResult(BackupManifest manifest, Duration duration, int walSegments) {}

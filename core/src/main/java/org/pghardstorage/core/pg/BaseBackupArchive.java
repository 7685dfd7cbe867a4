package org.pghardstorage.core.pg;

import java.io.InputStream;
import java.util.Optional;

/**
 * One archive of a base backup: {@code base.tar} for the data directory, {@code OID.tar} for a
 * tablespace (with a suffix under server-side compression).
 *
 * @param name the archive name as the server sent it
 * @param tablespaceLocation the tablespace directory; empty for the main data directory
 * @param data the raw archive bytes; ends where the next archive or the manifest begins. Valid
 *     until {@link BaseBackupStream#nextArchive()} is called again.
 */
public record BaseBackupArchive(
    String name, Optional<String> tablespaceLocation, InputStream data) {}

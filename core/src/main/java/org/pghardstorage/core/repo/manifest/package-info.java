/**
 * The backup manifest (format spec §10): immutable records with validating constructors, and {@link
 * org.pghardstorage.core.repo.manifest.ManifestJson}, the codec of schemas {@code
 * pg_hardstorage.backup.v1} and {@code v2} (v2: a chunk ref may be a slice). The repository seals
 * and stores the JSON; this package knows nothing of storage.
 */
package org.pghardstorage.core.repo.manifest;

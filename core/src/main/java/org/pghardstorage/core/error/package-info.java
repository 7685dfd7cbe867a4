/**
 * Errors shared by every layer: {@link org.pghardstorage.core.error.HardstorageException} with a
 * dotted code, an {@link org.pghardstorage.core.error.ExitCode} and a suggestion. The command line,
 * the REST API (problem+json) and the batch jobs all render these the same way.
 */
package org.pghardstorage.core.error;

/**
 * Jakarta Batch jobs. One sub-package per job (its artifacts and checkpoint class); job XML in
 * {@code META-INF/batch-jobs}; {@link org.pghardstorage.batch.JobLauncher} starts them.
 */
package org.pghardstorage.batch;

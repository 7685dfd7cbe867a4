/** The {@code system-selfcheck} job: one batchlet that records an event in the catalogue. */
package org.pghardstorage.batch.selfcheck;

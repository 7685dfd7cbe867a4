package org.pghardstorage.rest.job;

import java.util.Map;

/**
 * A request to start a job.
 *
 * @param job base-backup or verify
 * @param deployment the deployment
 * @param parameters job parameters: for verify {@code backup} (default latest), {@code
 *     checkpointEvery} and {@code unitPauseMillis}
 */
public record JobStart(String job, String deployment, Map<String, String> parameters) {}

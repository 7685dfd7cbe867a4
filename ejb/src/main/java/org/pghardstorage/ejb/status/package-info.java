/**
 * Application services for a deployment's status: the REST API, the console and the command line's
 * {@code status --server} ask here, and the answer is the engine's one health model ({@link
 * org.pghardstorage.core.status.HealthRules}) over facts from the repository and the supervised
 * streamer. Resources translate; they do not judge.
 */
package org.pghardstorage.ejb.status;

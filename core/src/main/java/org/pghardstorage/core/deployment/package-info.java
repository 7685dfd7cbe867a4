/**
 * A deployment as both shells use it: the command line builds a {@link
 * org.pghardstorage.core.deployment.DeploymentContext} from {@code pg_hardstorage.yml} and its
 * flags, the server from its catalogue, and from then on both get the slot name, the secrets, the
 * connection and the repository (opened with the one retry policy) from it. A decision about a
 * deployment's edge (which slot, which secret syntax, which retries) is made here and nowhere else.
 */
package org.pghardstorage.core.deployment;

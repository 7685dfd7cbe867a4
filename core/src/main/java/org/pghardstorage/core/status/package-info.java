/**
 * What the repository says about a deployment at a glance: its newest backup and its age, the
 * newest WAL and when it arrived, and whether the WAL is continuous; and the one health model
 * ({@link org.pghardstorage.core.status.HealthRules}: green, amber, red, with the RPO by one rule)
 * that judges it. The command line's {@code status}, {@code doctor}, the server's REST API and its
 * metrics read the same summary and the same rules.
 */
package org.pghardstorage.core.status;

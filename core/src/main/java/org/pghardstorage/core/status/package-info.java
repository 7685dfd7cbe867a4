/**
 * What the repository says about a deployment at a glance: its newest backup and its age, the
 * newest WAL and when it arrived, and whether the WAL is continuous. The command line's {@code
 * status}, {@code doctor} and the server's metrics read the same summary.
 */
package org.pghardstorage.core.status;

/**
 * Provisioning of real servers on loopback for the integration tests and for {@code
 * ./pg_hardstorage up}: PostgreSQL 15–18 clusters from the zonky server binaries, run as an
 * unprivileged OS user when we are root, and a Payara Server 6 domain on its own portbase. Every
 * process started is tracked and stopped by PID.
 */
package org.pghardstorage.devstack;

/**
 * {@code pg_hardstorage demo}: the whole backup contract, end to end, on a throw-away PostgreSQL 18
 * that the command line starts from the server binaries it ships. Backup, verify and restore run
 * in-process through the engine, exactly as the {@code backup}, {@code verify} and {@code restore}
 * commands do; the restored server fetches WAL through this installation's launcher.
 */
package org.pghardstorage.cli.demo;

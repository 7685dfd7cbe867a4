/**
 * {@code pg_hardstorage init}: from nothing to a first backup. Finds a local PostgreSQL and a role
 * that can back it up, creates a repository, writes {@code pg_hardstorage.yml} (never over an
 * existing file, never with a secret in it) and takes the first backup; {@code --quick} asks no
 * questions, the wizard asks them with the detected answers as defaults.
 */
package org.pghardstorage.cli.init;

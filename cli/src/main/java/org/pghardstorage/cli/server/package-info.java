/**
 * The command line as a client of a pg_hardstorage server: {@code --server} makes {@code status},
 * {@code list} and {@code jobs} read the server's REST API v1 instead of the repository.
 */
package org.pghardstorage.cli.server;

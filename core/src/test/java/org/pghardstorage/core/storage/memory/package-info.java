/**
 * The in-memory storage backend ({@code memory://name}), never durable: a test fixture. It lives in
 * the test sources (published in core's test-jar) and registers only on a test class path, so that
 * no command or server can be given a repository that vanishes with the process.
 */
package org.pghardstorage.core.storage.memory;

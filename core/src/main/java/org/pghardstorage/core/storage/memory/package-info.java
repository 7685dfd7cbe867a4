/** The in-memory storage backend ({@code memory://name}): for tests and demos, never durable. */
package org.pghardstorage.core.storage.memory;

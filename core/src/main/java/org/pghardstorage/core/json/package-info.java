/**
 * The JSON form of the engine's results, shared by the command line and the server so that both
 * show the same document for the same result.
 */
package org.pghardstorage.core.json;

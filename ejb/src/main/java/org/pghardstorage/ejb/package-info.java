/**
 * Services of the server: stateless facades that orchestrate core, the catalogue's start-up, the
 * event trail, metrics, and (later) streamer supervision and schedules. No backup logic lives here;
 * it is all in core.
 */
package org.pghardstorage.ejb;

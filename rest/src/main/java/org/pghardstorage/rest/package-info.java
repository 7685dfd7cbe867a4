/**
 * REST API v1 at {@code /api/v1}: thin JAX-RS resources over the ejb services, JSON-B bodies,
 * {@code application/problem+json} errors and role checks per endpoint.
 */
package org.pghardstorage.rest;

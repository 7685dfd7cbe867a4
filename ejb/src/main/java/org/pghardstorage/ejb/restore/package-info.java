/**
 * The restore planning application service: the REST API (and, next, the console's restore planner)
 * ask it for a plan; it turns the request into the engine's {@link
 * org.pghardstorage.core.restore.RestoreRequest}, previews it against the deployment's repository
 * and keeps the plan in the catalogue. Resources translate; they do not plan.
 */
package org.pghardstorage.ejb.restore;

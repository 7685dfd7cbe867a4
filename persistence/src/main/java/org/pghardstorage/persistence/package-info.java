/**
 * The catalogue: a PostgreSQL index of deployments, backups, WAL coverage, jobs and events.
 * Entities map it; {@link org.pghardstorage.persistence.migration.CatalogueMigrations} owns its
 * schema through versioned migrations that upgrade in place. The repository stays the source of
 * truth.
 */
package org.pghardstorage.persistence;

package org.pghardstorage.ejb.metrics;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;
import org.pghardstorage.core.storage.retry.RetryListener;

/**
 * Counts storage retries per deployment as {@code pg_hardstorage_storage_retries_total}: every
 * repository the server opens for a deployment reports its retries here.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class StorageRetries {
  @Inject
  @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
  private MetricRegistry registry;

  /** A listener that counts the retries of {@code deployment}'s repository. */
  public RetryListener listener(String deployment) {
    var counter =
        registry.counter("pg_hardstorage_storage_retries", new Tag("deployment", deployment));
    return (operation, failedAttempt, backoff, cause) -> counter.inc();
  }
}

package org.pghardstorage.ejb.metrics;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;
import org.pghardstorage.core.Version;
import org.pghardstorage.ejb.system.SystemService;

/**
 * Application metrics about the server itself, exported as {@code pg_hardstorage_*} at {@code
 * /metrics}. Per-deployment metrics (lag, RPO, backup age) register beside these.
 */
@Singleton
@Startup
public class SystemMetrics {
  @Inject
  @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
  private MetricRegistry registry;

  @EJB private SystemService system;

  @PostConstruct
  void register() {
    registry.gauge("pg_hardstorage_build_info", () -> 1, new Tag("version", Version.current()));
    registry.gauge(
        "pg_hardstorage_catalogue_up",
        () -> "UP".equals(system.health("").catalogue().status()) ? 1 : 0);
  }
}

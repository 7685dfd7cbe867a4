package org.pghardstorage.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The product running for real: a catalogue PostgreSQL cluster, a Payara domain configured on it,
 * the EAR deployed, one user per role in the {@code file} realm, and a secrets directory ({@code
 * <runDir>/secrets}, mode 0700) that the server's {@code pghs.secrets.file.directories} names: the
 * only place a deployment's {@code file:} secret may be.
 */
public final class ServerStack implements AutoCloseable {
  /** The application name the EAR is deployed under. */
  public static final String APP = "pg-hardstorage";

  /** The server's MicroProfile Config property naming where {@code file:} secrets may be. */
  public static final String SECRETS_PROPERTY = "pghs.secrets.file.directories";

  /**
   * How the stack is laid out.
   *
   * @param loopbackOnly Payara listens on 127.0.0.1 only ({@code up}); tests that must reach it
   *     over another address of the host (the transport checks) leave it listening on all
   */
  public record Options(
      Path runDir,
      Path ear,
      int cataloguePort,
      int portBase,
      int heapMb,
      boolean durable,
      boolean loopbackOnly) {}

  /**
   * A user of the console and API.
   *
   * @param name login
   * @param password password
   */
  public record User(String name, String password) {}

  private final PgCluster catalogue;
  private final PayaraDomain domain;
  private final User admin;
  private final User operator;
  private final User viewer;
  private final Path secretsDir;

  private ServerStack(
      PgCluster catalogue,
      PayaraDomain domain,
      User admin,
      User operator,
      User viewer,
      Path secretsDir) {
    this.catalogue = catalogue;
    this.domain = domain;
    this.admin = admin;
    this.operator = operator;
    this.viewer = viewer;
    this.secretsDir = secretsDir;
  }

  /** Starts everything and returns once the EAR answers {@code /api/v1/health}. */
  public static ServerStack start(Options o) {
    if (!Files.isRegularFile(o.ear())) {
      throw new IllegalStateException("no EAR at " + o.ear() + ": build the project first");
    }
    PgCluster catalogue = null;
    PayaraDomain domain = null;
    try {
      PgCluster.Builder b = PgCluster.builder(18).in(o.runDir()).durable(o.durable());
      if (o.cataloguePort() != 0) {
        b.port(o.cataloguePort());
      }
      catalogue = b.start();
      String appPassword = secret();
      catalogue.createRole("pghs_app", appPassword, false);
      catalogue.execute("postgres", "CREATE DATABASE pghs_catalogue OWNER pghs_app");
      catalogue.execute("pghs_catalogue", "CREATE SCHEMA jbatch AUTHORIZATION pghs_app");

      domain = PayaraDomain.create(o.runDir().resolve("payara"), o.portBase(), o.heapMb());
      if (o.loopbackOnly()) {
        domain.bindLoopback();
      }
      domain.start();
      domain.configureCatalogue(
          Locations.distDir().resolve("postgresql-jdbc.jar"),
          catalogue.port(),
          "pghs_catalogue",
          "pghs_app",
          appPassword);
      Path secrets = secretsDir(o.runDir());
      domain.setConfigProperty(SECRETS_PROPERTY, secrets.toString());
      User admin = new User("admin", secret());
      User operator = new User("operator", secret());
      User viewer = new User("viewer", secret());
      domain.createUser(admin.name(), admin.password(), "admin", "operator", "viewer");
      domain.createUser(operator.name(), operator.password(), "operator", "viewer");
      domain.createUser(viewer.name(), viewer.password(), "viewer");
      domain.deploy(o.ear(), APP, "/api/v1/health", Duration.ofMinutes(6));
      return new ServerStack(catalogue, domain, admin, operator, viewer, secrets);
    } catch (RuntimeException e) {
      if (domain != null) {
        String log = domain.logTail();
        domain.stop();
        e.addSuppressed(new IllegalStateException("Payara log tail:\n" + log));
      }
      if (catalogue != null) {
        catalogue.close();
      }
      throw e;
    }
  }

  /** Creates {@code <runDir>/secrets}, readable by this OS user only (the server runs as it). */
  private static Path secretsDir(Path runDir) {
    Path dir = runDir.resolve("secrets");
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    return dir;
  }

  /** The directory the server accepts {@code file:} secrets from. */
  public Path secretsDir() {
    return secretsDir;
  }

  /** The catalogue cluster. */
  public PgCluster catalogue() {
    return catalogue;
  }

  /** The Payara domain. */
  public PayaraDomain domain() {
    return domain;
  }

  /** A user with every role. */
  public User admin() {
    return admin;
  }

  /** A user with operator and viewer. */
  public User operator() {
    return operator;
  }

  /** A user with viewer only. */
  public User viewer() {
    return viewer;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String baseUrl() {
    return domain.baseUrl();
  }

  @Override
  public void close() {
    try {
      domain.stop();
    } finally {
      catalogue.close();
    }
  }

  static String secret() {
    byte[] b = new byte[12];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}

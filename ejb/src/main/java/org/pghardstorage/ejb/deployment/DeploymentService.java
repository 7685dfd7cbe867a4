package org.pghardstorage.ejb.deployment;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;
import org.pghardstorage.core.deployment.DeploymentContext;
import org.pghardstorage.core.deployment.SecretRef;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.ConnInfo;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.storage.ObjectStores;
import org.pghardstorage.core.wal.PreflightReport;
import org.pghardstorage.ejb.event.EventLog;
import org.pghardstorage.persistence.entity.DeploymentEntity;

/** Creates, reads, changes and deletes catalogued deployments; every change is an event. */
@Stateless
public class DeploymentService {
  @PersistenceContext(unitName = "catalogue")
  private EntityManager em;

  @EJB private EventLog events;

  /**
   * Names a deployment may not have: the API's paths under {@code /deployments} that are not one.
   */
  static final List<String> RESERVED = List.of("overview");

  /** Every deployment, by name. */
  public List<DeploymentView> list() {
    return all().stream().map(DeploymentView::of).toList();
  }

  /** Every deployment, detached for the engine. */
  public List<Protected> all(boolean streamingOnly) {
    return all().stream()
        .filter(e -> !streamingOnly || e.isStreaming())
        .map(Protected::of)
        .toList();
  }

  /** One deployment. */
  public Optional<DeploymentView> find(String name) {
    return entity(name).map(DeploymentView::of);
  }

  /**
   * One deployment, detached for the engine.
   *
   * @throws HardstorageException {@code deployment.not_found} (NOT_FOUND)
   */
  public Protected require(String name) {
    return Protected.of(entity(name).orElseThrow(() -> notFound(name)));
  }

  /**
   * Creates a deployment.
   *
   * @throws HardstorageException {@code deployment.exists} (CONFLICT), or a validation error such
   *     as {@code deployment.secret_not_allowed} (USAGE)
   */
  public DeploymentView create(DeploymentSpec spec, String actor) {
    validate(spec, Secrets.policy());
    refuseReserved(spec.name());
    if (entity(spec.name()).isPresent()) {
      throw new HardstorageException(
          "deployment.exists",
          ExitCode.CONFLICT,
          "deployment '" + spec.name() + "' already exists",
          "change it with PUT /api/v1/deployments/" + spec.name());
    }
    DeploymentEntity e =
        new DeploymentEntity(
            spec.name(),
            spec.conninfo(),
            spec.repositoryUrl(),
            DeploymentContext.slotFor(
                Deployment.of(spec.name()), Optional.ofNullable(spec.slot())));
    apply(e, spec);
    em.persist(e);
    em.flush();
    events.record(spec.name(), "deployment.created", "info", actor, "deployment created");
    return DeploymentView.of(e);
  }

  /** Replaces a deployment's settings (its name and slot stay). */
  public DeploymentView update(String name, DeploymentSpec spec, String actor) {
    DeploymentEntity e = entity(name).orElseThrow(() -> notFound(name));
    DeploymentSpec named =
        new DeploymentSpec(
            name,
            spec.conninfo(),
            spec.passwordRef(),
            spec.repositoryUrl(),
            e.getSlotName(),
            spec.kekRef(),
            spec.backupSchedule(),
            spec.verifySchedule(),
            spec.rotateSchedule(),
            spec.keep(),
            spec.streaming());
    validate(named, Secrets.policy());
    e.setConninfo(spec.conninfo());
    e.setRepositoryUrl(spec.repositoryUrl());
    apply(e, named);
    em.flush();
    events.record(name, "deployment.updated", "info", actor, "deployment settings replaced");
    return DeploymentView.of(e);
  }

  /**
   * The connection test of a deployment as {@code spec} describes it, before it is saved (the
   * console's "Test connection" of its add and edit form): {@code spec} is first checked as {@link
   * #create} and {@link #update} check it, so a reference the server would refuse to store is never
   * resolved, then tested as {@code POST /api/v1/deployments/{d}/connection-test} tests a saved
   * deployment ({@link Protected#connectionTest}). The slot is the catalogued deployment's when
   * {@code spec} names one (an update keeps it), else the one {@link #create} would give it.
   *
   * @throws HardstorageException a validation error as {@link #create} gives it, or what resolving
   *     the password or connecting fails with
   */
  public PreflightReport connectionTest(DeploymentSpec spec) {
    validate(spec, Secrets.policy());
    String slot =
        entity(spec.name())
            .map(DeploymentEntity::getSlotName)
            .orElseGet(
                () ->
                    DeploymentContext.slotFor(
                        Deployment.of(spec.name()), Optional.ofNullable(spec.slot())));
    return Protected.of(spec, slot).connectionTest();
  }

  /** Turns a deployment's streamer on or off. */
  public void setStreaming(String name, boolean on, String actor) {
    DeploymentEntity e = entity(name).orElseThrow(() -> notFound(name));
    e.setStreaming(on);
    events.record(
        name,
        on ? "streamer.enabled" : "streamer.disabled",
        "info",
        actor,
        on ? "streamer switched on" : "streamer switched off");
  }

  /** Deletes a deployment from the catalogue; its repository and backups stay. */
  public void delete(String name, String actor) {
    DeploymentEntity e = entity(name).orElseThrow(() -> notFound(name));
    em.remove(e);
    events.record(
        name,
        "deployment.deleted",
        "warning",
        actor,
        "deployment removed from the catalogue; its repository was not touched");
  }

  private void apply(DeploymentEntity e, DeploymentSpec spec) {
    e.setPasswordRef(spec.passwordRef());
    e.setKekRef(spec.kekRef());
    e.setSchedules(spec.backupSchedule(), spec.verifySchedule(), spec.rotateSchedule());
    DeploymentSpec.Keep k = spec.keep() != null ? spec.keep() : DeploymentSpec.Keep.DEFAULT;
    e.setKeep(k.hourly(), k.daily(), k.weekly(), k.monthly(), k.yearly());
    e.setStreaming(spec.streaming() == null || spec.streaming());
  }

  /**
   * Refuses an invalid spec: missing fields, a password in the conninfo, a secret reference of a
   * wrong form or pointing where {@code secrets} does not allow, a bad schedule.
   */
  static void validate(DeploymentSpec s, SecretPolicy secrets) {
    require(s.name() != null && Deployment.isValid(s.name()), "name", s.name());
    require(s.conninfo() != null && !s.conninfo().isBlank(), "conninfo", s.conninfo());
    require(
        s.repositoryUrl() != null && !s.repositoryUrl().isBlank(),
        "repository_url",
        s.repositoryUrl());
    if (ConnInfo.parse(s.conninfo()).hasExplicitPassword()) {
      throw new HardstorageException(
          "deployment.password_in_conninfo",
          ExitCode.USAGE,
          "the conninfo of '" + s.name() + "' carries a password; the catalogue never stores one",
          "remove it and set password_ref to alias:NAME, env:VARIABLE or file:/path");
    }
    String[][] refs = {{"password_ref", s.passwordRef()}, {"kek_ref", s.kekRef()}};
    for (String[] ref : refs) {
      if (ref[1] != null) {
        SecretRef.parse(ref[1], ref[0]); // the one syntax: deployment.bad_secret_ref otherwise
        Secrets.check(ref[1], secrets);
      }
    }
    ObjectStores.checkScheme(s.repositoryUrl());
    Secrets.checkRepositoryUrl(s.repositoryUrl(), secrets);
    if (s.backupSchedule() != null) {
      CronSchedule.parse("backupSchedule", s.backupSchedule());
    }
    if (s.verifySchedule() != null) {
      CronSchedule.parse("verifySchedule", s.verifySchedule());
    }
    if (s.rotateSchedule() != null) {
      CronSchedule.parse("rotateSchedule", s.rotateSchedule());
    }
  }

  /**
   * Refuses a name the API's paths use for something else: {@code GET /api/v1/deployments/overview}
   * is every deployment at a glance, so a deployment of that name could not be read at its own URL.
   */
  static void refuseReserved(String name) {
    if (RESERVED.contains(name)) {
      throw new HardstorageException(
          "deployment.name_reserved",
          ExitCode.USAGE,
          "the name '"
              + name
              + "' is reserved: /api/v1/deployments/"
              + name
              + " is not a deployment",
          "choose another name; reserved names are " + String.join(", ", RESERVED));
    }
  }

  private static void require(boolean ok, String field, String value) {
    if (!ok) {
      throw new HardstorageException(
          "deployment.invalid",
          ExitCode.USAGE,
          "field " + field + " is missing or invalid: " + value,
          "a name is 1-63 lower-case letters, digits, - or _; conninfo and repository_url are"
              + " required");
    }
  }

  private List<DeploymentEntity> all() {
    return em.createNamedQuery(DeploymentEntity.ALL, DeploymentEntity.class).getResultList();
  }

  private Optional<DeploymentEntity> entity(String name) {
    return em.createNamedQuery(DeploymentEntity.BY_NAME, DeploymentEntity.class)
        .setParameter("name", name)
        .getResultStream()
        .findFirst();
  }

  static HardstorageException notFound(String name) {
    return new HardstorageException(
        "deployment.not_found",
        ExitCode.NOT_FOUND,
        "no deployment '" + name + "' in the catalogue",
        "list them with GET /api/v1/deployments");
  }
}

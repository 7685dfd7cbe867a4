package org.pghardstorage.core.repo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.repo.manifest.ManifestFormatException;
import org.pghardstorage.core.repo.manifest.ManifestJson;
import org.pghardstorage.core.storage.ObjectInfo;
import org.pghardstorage.core.storage.ObjectKey;
import org.pghardstorage.core.storage.ObjectNotFoundException;

/**
 * The {@code backups/} tree (format spec §3, §10, §11): a backup exists iff its {@code manifest}
 * object exists.
 */
final class BackupCatalog {
  static final String PREFIX = "backups/";
  static final String MANIFEST = "manifest";
  static final String POSTGRES_MANIFEST = "backup_manifest";
  static final String VERIFICATION = "verification";

  private final RepoContext ctx;

  BackupCatalog(RepoContext ctx) {
    this.ctx = ctx;
  }

  static ObjectKey manifestKey(Deployment d, BackupId id) {
    return ObjectKey.of(PREFIX + d.name() + "/" + id.value() + "/" + MANIFEST);
  }

  static ObjectKey verificationKey(Deployment d, BackupId id) {
    return ObjectKey.of(PREFIX + d.name() + "/" + id.value() + "/" + VERIFICATION);
  }

  static ObjectKey postgresManifestKey(Deployment d, BackupId id) {
    return ObjectKey.of(PREFIX + d.name() + "/" + id.value() + "/" + POSTGRES_MANIFEST);
  }

  /** Committed backups of {@code d}, oldest first. */
  List<BackupId> list(Deployment d) {
    List<BackupId> out = new ArrayList<>();
    String prefix = PREFIX + d.name() + "/";
    for (ObjectInfo info : ctx.store().list(prefix)) {
      String[] rest = info.key().value().substring(prefix.length()).split("/");
      if (rest.length == 2 && rest[1].equals(MANIFEST) && BackupId.isValid(rest[0])) {
        out.add(BackupId.parse(rest[0]));
      }
    }
    out.sort(null);
    return out;
  }

  /** Deployments with at least one object under {@code backups/} or {@code wal/}, sorted. */
  List<Deployment> deployments() {
    TreeSet<Deployment> out = new TreeSet<>();
    for (String root : List.of(PREFIX, WalArchive.PREFIX)) {
      for (ObjectInfo info : ctx.store().list(root)) {
        String name = info.key().value().substring(root.length()).split("/")[0];
        if (Deployment.isValid(name)) {
          out.add(Deployment.of(name));
        }
      }
    }
    return new ArrayList<>(out);
  }

  /**
   * A committed backup's manifest.
   *
   * @throws RepositoryCorruptException if it exists but does not open, parse, or match its key
   */
  Optional<BackupManifest> read(Deployment d, BackupId id) {
    ObjectKey key = manifestKey(d, id);
    Optional<byte[]> plain = readSealed(key, ObjectType.MANIFEST);
    if (plain.isEmpty()) {
      return Optional.empty();
    }
    BackupManifest manifest;
    try {
      manifest = ManifestJson.read(plain.get());
    } catch (ManifestFormatException e) {
      if (e.newerSchema()) {
        throw new RepositoryCorruptException(
            key.value(), "written by a newer release: " + e.getMessage(), e);
      }
      throw new RepositoryCorruptException(key.value(), e.getMessage(), e);
    }
    if (!manifest.deployment().equals(d) || !manifest.backupId().equals(id)) {
      throw new RepositoryCorruptException(
          key.value(),
          "it describes backup " + manifest.deployment() + "/" + manifest.backupId(),
          null);
    }
    return Optional.of(manifest);
  }

  /** PostgreSQL's backup_manifest of a backup, if stored. */
  Optional<byte[]> readPostgresManifest(Deployment d, BackupId id) {
    return readSealed(postgresManifestKey(d, id), ObjectType.POSTGRES_BACKUP_MANIFEST);
  }

  /** Stores PostgreSQL's manifest; an existing equal object is accepted, a different one is not. */
  void writePostgresManifest(Deployment d, BackupId id, byte[] content) {
    ObjectKey key = postgresManifestKey(d, id);
    byte[] stored = ctx.objects().encode(ObjectType.POSTGRES_BACKUP_MANIFEST, key.value(), content);
    if (!ctx.store().putIfAbsent(key, stored)) {
      Optional<byte[]> existing = readSealed(key, ObjectType.POSTGRES_BACKUP_MANIFEST);
      if (existing.isEmpty() || !Arrays.equals(existing.get(), content)) {
        throw RepositoryErrors.backupExists(key.value());
      }
    }
  }

  /** Writes the commit point; finding the very bytes written (a lost answer) is success. */
  void writeManifest(BackupManifest manifest) {
    ObjectKey key = manifestKey(manifest.deployment(), manifest.backupId());
    byte[] stored =
        ctx.objects().encode(ObjectType.MANIFEST, key.value(), ManifestJson.write(manifest));
    if (!WriteOnce.create(ctx.store(), key, stored)) {
      throw RepositoryErrors.backupExists(key.value());
    }
  }

  /** Replaces the record of the backup's latest verification. */
  void writeVerification(Deployment d, BackupId id, byte[] json) {
    ObjectKey key = verificationKey(d, id);
    ctx.store().put(key, ctx.objects().encode(ObjectType.VERIFICATION, key.value(), json));
  }

  /** The record of the backup's latest verification, if any. */
  Optional<byte[]> readVerification(Deployment d, BackupId id) {
    return readSealed(verificationKey(d, id), ObjectType.VERIFICATION);
  }

  boolean exists(Deployment d, BackupId id) {
    return ctx.store().stat(manifestKey(d, id)).isPresent();
  }

  /** Deletes the manifest (the backup disappears), then PostgreSQL's manifest. */
  boolean delete(Deployment d, BackupId id) {
    boolean existed = exists(d, id);
    ctx.store().delete(manifestKey(d, id));
    ctx.store().delete(postgresManifestKey(d, id));
    ctx.store().delete(verificationKey(d, id));
    return existed;
  }

  private Optional<byte[]> readSealed(ObjectKey key, ObjectType type) {
    byte[] stored;
    try {
      stored = ctx.store().get(key);
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(ctx.objects().decode(type, key.value(), stored));
    } catch (DecodeException e) {
      throw e.corrupt(key.value(), "");
    }
  }
}

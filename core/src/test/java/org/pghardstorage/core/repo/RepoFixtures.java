package org.pghardstorage.core.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.chunk.ChunkerParams;
import org.pghardstorage.core.crypto.Argon2idParams;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.repo.manifest.FileEntry;
import org.pghardstorage.core.repo.manifest.ManifestFixtures;

/** Small, fast repositories and data for the repository tests. */
final class RepoFixtures {
  static final Deployment DB1 = Deployment.of("db1");
  static final byte[] PG_MANIFEST =
      "{\"PostgreSQL-Backup-Manifest-Version\": 2, \"Files\": []}".getBytes(StandardCharsets.UTF_8);
  static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();

  private RepoFixtures() {}

  /** 8/32/128 KiB chunks and 64 KiB packs: many chunks and packs from little data. */
  static RepositoryOptions small() {
    return RepositoryOptions.defaults()
        .withChunker(new ChunkerParams(8192, 32768, 131072))
        .withPackTargetSize(RepositoryConfig.MIN_PACK_SIZE);
  }

  /** {@link #small()} encrypted with a cheap Argon2id (tests exercise wiring, not cost). */
  static RepositoryOptions smallEncrypted() {
    return small()
        .withPassphrase(PASSPHRASE, Argon2idParams.withCost(64, 1, 1, new SecureRandom()));
  }

  static OpenOptions open() {
    return OpenOptions.defaults().withUploads(2, 1).withIndexFlushEvery(4);
  }

  /** Page-structured data: each 8 KiB page half random, half a repeating pattern. */
  static byte[] pages(long seed, int pages) {
    Random r = new Random(seed);
    byte[] out = new byte[pages * 8192];
    for (int p = 0; p < pages; p++) {
      byte[] half = new byte[4096];
      r.nextBytes(half);
      System.arraycopy(half, 0, out, p * 8192, 4096);
      for (int i = 4096; i < 8192; i++) {
        out[p * 8192 + i] = (byte) (i % 31);
      }
    }
    return out;
  }

  static FileRef write(BackupWriter w, byte[] content) {
    try {
      return w.writeFile(new ByteArrayInputStream(content));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes files and commits a backup whose base archive lists them as {@code f0, f1, …}. */
  static BackupManifest backup(Repository repo, BackupId id, byte[]... files) {
    try (BackupWriter w = repo.newBackup(DB1, id)) {
      List<FileEntry> entries = new ArrayList<>();
      for (int i = 0; i < files.length; i++) {
        entries.add(write(w, files[i]).toEntry("f" + i, 0600, Instant.EPOCH));
      }
      BackupManifest m = manifest(id, entries, w.stats());
      w.commit(m, PG_MANIFEST);
      return m;
    }
  }

  static BackupManifest manifest(BackupId id, List<FileEntry> files, WriteStats stats) {
    return ManifestFixtures.manifest(DB1, id, files, stats.toBackupStats(), PG_MANIFEST);
  }

  static BackupId id(int n) {
    return BackupId.parse(
        String.format("20261130T1906%02dZ-aaaaa%c", n % 60, (char) ('a' + n % 26)));
  }

  /** Every file of {@code m}'s base archive reads back through {@code repo} as {@code files}. */
  static void assertRestorable(Repository repo, BackupManifest m, byte[]... files) {
    List<FileEntry> entries = m.archives().get(0).files();
    assertThat(entries).hasSize(files.length);
    ChunkReader reader = repo.openChunkReader();
    for (int i = 0; i < files.length; i++) {
      assertThat(read(reader, entries.get(i).chunks()))
          .as("file %s of %s", entries.get(i).path(), m.backupId())
          .isEqualTo(files[i]);
    }
  }

  /** Reassembles a file from its chunks. */
  static byte[] read(ChunkReader reader, List<ChunkRef> chunks) {
    List<byte[]> parts = reader.readAll(chunks);
    int size = parts.stream().mapToInt(p -> p.length).sum();
    byte[] out = new byte[size];
    int pos = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, pos, p.length);
      pos += p.length;
    }
    return out;
  }
}

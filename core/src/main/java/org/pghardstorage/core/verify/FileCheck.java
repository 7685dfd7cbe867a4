package org.pghardstorage.core.verify;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.zip.CRC32C;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.repo.ChunkReader;
import org.pghardstorage.core.repo.RepositoryCorruptException;
import org.pghardstorage.core.repo.RepositoryErrors;

/**
 * Step 2 for one file, on a worker: re-assembles it through the {@link ChunkReader} a few MiB at a
 * time (never the whole file in memory) and compares its size and CRC32C with our manifest, and its
 * size and checksum with PostgreSQL's backup_manifest.
 */
final class FileCheck implements Callable<FileCheck.Outcome> {
  /** Bytes read per {@link ChunkReader#readAll} call. */
  static final long BATCH_BYTES = 4L << 20;

  /** What checking one file found. */
  record Outcome(long bytes, List<VerifyProblem> problems) {}

  private final ChunkUsage.BackupFile file;
  private final Optional<PostgresManifest.Entry> postgres;
  private final ChunkReader reader;
  private final String manifestKey;
  private final String postgresManifestKey;

  FileCheck(
      ChunkUsage.BackupFile file,
      Optional<PostgresManifest.Entry> postgres,
      ChunkReader reader,
      String manifestKey,
      String postgresManifestKey) {
    this.file = file;
    this.postgres = postgres;
    this.reader = reader;
    this.manifestKey = manifestKey;
    this.postgresManifestKey = postgresManifestKey;
  }

  @Override
  public Outcome call() {
    List<VerifyProblem> problems = new ArrayList<>();
    CRC32C crc = new CRC32C();
    Optional<MessageDigest> digest = digest(problems);
    long size = 0;
    try {
      for (List<ChunkRef> batch : batches(file.entry().chunks())) {
        for (byte[] data : reader.readAll(batch)) {
          crc.update(data);
          digest.ifPresent(d -> d.update(data));
          size += data.length;
        }
      }
    } catch (RepositoryCorruptException e) {
      problems.add(unreadable(e.object(), e.getMessage()));
      return new Outcome(size, problems);
    } catch (HardstorageException e) {
      if (!e.code().equals(RepositoryErrors.CHUNK_MISSING)) {
        throw e; // storage trouble: the file could not be checked, which is not damage
      }
      problems.add(unreadable("index/", e.getMessage()));
      return new Outcome(size, problems);
    }
    int actual = (int) crc.getValue();
    int recorded = file.entry().checksum().orElseThrow();
    if (actual != recorded) {
      problems.add(
          VerifyProblem.error(
              VerifyProblem.Kind.FILE_CHECKSUM_MISMATCH,
              manifestKey,
              List.of(file.label()),
              String.format(
                  "the content re-assembled from its chunks has CRC32C %08x, the manifest records"
                      + " %08x",
                  actual, recorded)));
    }
    postgres.ifPresent(p -> comparePostgres(p, actual, digest, problems));
    return new Outcome(size, problems);
  }

  private void comparePostgres(
      PostgresManifest.Entry p, int crc, Optional<MessageDigest> digest, List<VerifyProblem> out) {
    long size = file.entry().size();
    if (p.size() != size) {
      out.add(
          VerifyProblem.error(
              VerifyProblem.Kind.FILE_SIZE_MISMATCH,
              postgresManifestKey,
              List.of(file.label()),
              "PostgreSQL's backup_manifest records "
                  + p.size()
                  + " bytes, the backup holds "
                  + size));
      return;
    }
    byte[] actual;
    if (p.algorithm().equals("CRC32C")) {
      // PostgreSQL writes the CRC's bytes in the server's memory order: little-endian almost
      // everywhere, big-endian on s390x. Either is accepted.
      byte[] le = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(crc).array();
      byte[] be = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(crc).array();
      actual = Arrays.equals(p.checksum(), be) ? be : le;
    } else if (digest.isPresent()) {
      actual = digest.get().digest();
    } else {
      return; // NONE, or an algorithm already reported as unknown
    }
    if (!Arrays.equals(actual, p.checksum())) {
      out.add(
          VerifyProblem.error(
              VerifyProblem.Kind.POSTGRES_CHECKSUM_MISMATCH,
              postgresManifestKey,
              List.of(file.label()),
              "PostgreSQL's backup_manifest records "
                  + p.algorithm()
                  + " "
                  + HexFormat.of().formatHex(p.checksum())
                  + ", the backup's content has "
                  + HexFormat.of().formatHex(actual)));
    }
  }

  private Optional<MessageDigest> digest(List<VerifyProblem> problems) {
    if (postgres.isEmpty()) {
      return Optional.empty();
    }
    String algorithm = postgres.get().algorithm();
    if (algorithm.equals("NONE") || algorithm.equals("CRC32C")) {
      return Optional.empty();
    }
    if (algorithm.matches("SHA(224|256|384|512)")) {
      try {
        return Optional.of(MessageDigest.getInstance("SHA-" + algorithm.substring(3)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(algorithm + " is required by every Java platform", e);
      }
    }
    problems.add(
        new VerifyProblem(
            VerifyProblem.Severity.WARNING,
            VerifyProblem.Kind.POSTGRES_MANIFEST_INVALID,
            postgresManifestKey,
            List.of(file.label()),
            List.of(),
            "unknown checksum algorithm '" + algorithm + "'; only the size was compared"));
    return Optional.empty();
  }

  private VerifyProblem unreadable(String object, String why) {
    return VerifyProblem.error(
        VerifyProblem.Kind.FILE_UNREADABLE, object, List.of(file.label()), why);
  }

  private static List<List<ChunkRef>> batches(List<ChunkRef> chunks) {
    List<List<ChunkRef>> out = new ArrayList<>();
    List<ChunkRef> current = new ArrayList<>();
    long bytes = 0;
    for (ChunkRef ref : chunks) {
      if (!current.isEmpty() && bytes + ref.length() > BATCH_BYTES) {
        out.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(ref);
      bytes += ref.length();
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }
}

package org.pghardstorage.core.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.storage.StorageException;
import org.pghardstorage.core.storage.StorageUnavailableException;

class FsErrorsTest {
  @TempDir Path root;

  @Test
  void permissionDeniedIsUnavailable() {
    StorageException e = classify(new AccessDeniedException(root.resolve("x").toString()));

    assertThat(e).isInstanceOf(StorageUnavailableException.class);
    assertThat(e.exitCode()).isEqualTo(ExitCode.UNREACHABLE);
    assertThat(e.getMessage()).contains("permission denied on " + root.resolve("x"));
  }

  @Test
  void noSpaceAndQuotaAreUnavailable() {
    for (String reason : new String[] {"No space left on device", "Disk quota exceeded"}) {
      StorageException e = classify(new FileSystemException(root.toString(), null, reason));

      assertThat(e).isInstanceOf(StorageUnavailableException.class);
      assertThat(e.getMessage()).contains("no space left").contains(reason);
      assertThat(e.suggestion()).get().asString().contains("free space");
    }
  }

  @Test
  void aWriteNeedingMoreThanTheFreeSpaceIsDiskFullWhateverTheMessageLanguage() {
    IOException german =
        new FileSystemException(
            root.toString(), null, "Auf dem Gerät ist kein Speicherplatz mehr verfügbar");

    StorageException e = FsErrors.classify("writing", root, root, Long.MAX_VALUE, german);

    assertThat(e).isInstanceOf(StorageUnavailableException.class);
    assertThat(e.getMessage()).contains("no space left");
  }

  @Test
  void readOnlyIsUnavailable() {
    StorageException e =
        classify(new FileSystemException(root.toString(), null, "Read-only file system"));

    assertThat(e).isInstanceOf(StorageUnavailableException.class);
    assertThat(e.getMessage()).contains("is read-only");
  }

  @Test
  void otherErrorsAreStorageErrorsWithTheReason() {
    StorageException e =
        classify(new FileSystemException(root.toString(), null, "Input/output error"));

    assertThat(e).isNotInstanceOf(StorageUnavailableException.class);
    assertThat(e.code()).isEqualTo("storage.error");
    assertThat(e.getMessage())
        .contains("writing x")
        .contains(root.toString())
        .contains("Input/output error");
    assertThat(e.getCause()).isInstanceOf(FileSystemException.class);
  }

  private StorageException classify(IOException e) {
    return FsErrors.classify("writing x", root, root, 0, e);
  }
}

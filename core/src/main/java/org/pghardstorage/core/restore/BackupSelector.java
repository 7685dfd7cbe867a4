package org.pghardstorage.core.restore;

import java.util.Objects;
import org.pghardstorage.core.repo.BackupId;

/**
 * Which backup of a deployment an operation means, as the operator said it: {@code latest} or a
 * backup id. {@link BackupChooser} resolves it against the repository. The point-in-time work will
 * add "the newest backup that ends before a time or LSN" as another case.
 */
public sealed interface BackupSelector permits BackupSelector.Latest, BackupSelector.ById {
  /** The text that selects the newest backup. */
  String LATEST = "latest";

  /** The newest committed backup. */
  static BackupSelector latest() {
    return Latest.INSTANCE;
  }

  /** Exactly this backup. */
  static BackupSelector of(BackupId id) {
    return new ById(id);
  }

  /**
   * Parses the command line's form: {@code latest} or a backup id.
   *
   * @throws org.pghardstorage.core.error.HardstorageException {@code repo.invalid_backup_id} (exit
   *     USAGE) echoing the text
   */
  static BackupSelector parse(String text) {
    Objects.requireNonNull(text, "text");
    return text.equals(LATEST) ? latest() : of(BackupId.parse(text));
  }

  /** The selector as the operator would type it. */
  String text();

  /** The newest committed backup of the deployment. */
  enum Latest implements BackupSelector {
    INSTANCE;

    @Override
    public String text() {
      return LATEST;
    }

    @Override
    public String toString() {
      return LATEST;
    }
  }

  /**
   * One backup by id.
   *
   * @param id the backup id
   */
  record ById(BackupId id) implements BackupSelector {
    /** Validates the field. */
    public ById {
      Objects.requireNonNull(id, "id");
    }

    @Override
    public String text() {
      return id.value();
    }

    @Override
    public String toString() {
      return id.value();
    }
  }
}

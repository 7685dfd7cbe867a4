package org.pghardstorage.core.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.ConnInfo;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.OpenedRepository;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.RepositoryOptions;
import org.pghardstorage.core.storage.ObjectStore;
import org.pghardstorage.core.storage.retry.RetryListener;
import org.pghardstorage.core.storage.retry.RetryingObjectStore;

class DeploymentContextTest {
  private static final Deployment DB = Deployment.of("db-1");
  private static final ConnInfo CONN = ConnInfo.parse("host=db.test user=backup dbname=postgres");

  @TempDir Path dir;
  private final List<String> resolved = new ArrayList<>();

  /** Resolves every reference to its own text, and records which were asked for. */
  private final SecretResolver recording =
      ref -> {
        resolved.add(ref.toString());
        return "secret-of-" + ref.name();
      };

  private DeploymentContext context(Optional<String> slot, Optional<SecretRef> password) {
    return new DeploymentContext(
        DB, CONN, password, dir.toUri().toString(), Optional.empty(), slot, recording);
  }

  @Test
  void theSlotIsTheConfiguredOneElseTheDefaultOfTheName() {
    assertThat(context(Optional.of("db1_own"), Optional.empty()).slot()).isEqualTo("db1_own");
    assertThat(context(Optional.empty(), Optional.empty()).slot()).isEqualTo("pg_hardstorage_db_1");
    assertThat(context(Optional.of(" "), Optional.empty()).slot()).isEqualTo("pg_hardstorage_db_1");
  }

  @Test
  void theStreamerAndTheBackupUseTheSameSlot() {
    DeploymentContext c = context(Optional.of("db1_own"), Optional.empty());

    assertThat(c.streamerConfig().slot()).isEqualTo("db1_own");
    assertThat(c.backupRequest("label").streamerSlot()).isEqualTo("db1_own");
  }

  @Test
  void thePasswordIsResolvedWhenTheConnectionIsAskedForAndNeverShown() {
    DeploymentContext c = context(Optional.empty(), Optional.of(SecretRef.env("PW")));
    assertThat(resolved).isEmpty();

    ConnInfo withPassword = c.connInfo();

    assertThat(resolved).containsExactly("env:PW");
    assertThat(withPassword.hasExplicitPassword()).isTrue();
    assertThat(c.toString()).doesNotContain("secret-of-PW").contains("pg_hardstorage_db_1");
    assertThat(context(Optional.empty(), Optional.empty()).connInfo().hasExplicitPassword())
        .isFalse();
  }

  @Test
  void theRepositoryIsOpenedBehindTheOneRetryPolicy() {
    try (ObjectStore store =
        DeploymentContext.openStore(dir.toUri().toString(), RetryListener.NONE)) {
      assertThat(store).isInstanceOf(RetryingObjectStore.class);
      Repository.init(store, RepositoryOptions.defaults()).close();
    }
    try (OpenedRepository o =
        context(Optional.empty(), Optional.empty()).openForWal(RetryListener.NONE)) {
      assertThat(o.repository().listDeployments()).isEmpty();
    }
  }

  @Test
  void aRepositoryUrlTheResolverRefusesIsNeverOpened() {
    SecretResolver refusing =
        new SecretResolver() {
          @Override
          public String resolve(SecretRef ref) {
            throw new AssertionError("nothing to resolve");
          }

          @Override
          public void checkRepositoryUrl(String url) {
            throw new HardstorageException(
                "deployment.secret_not_allowed",
                org.pghardstorage.core.error.ExitCode.USAGE,
                "not " + url,
                null);
          }
        };
    DeploymentContext c =
        new DeploymentContext(
            DB,
            CONN,
            Optional.empty(),
            dir.resolve("absent").toUri().toString(),
            Optional.empty(),
            Optional.empty(),
            refusing);

    assertThatThrownBy(() -> c.open(RetryListener.NONE))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> assertThat(e.code()).isEqualTo("deployment.secret_not_allowed"));
  }
}

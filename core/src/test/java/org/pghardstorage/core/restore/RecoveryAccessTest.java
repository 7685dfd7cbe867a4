package org.pghardstorage.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pghardstorage.core.restore.RestoreFixture.id;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.crypto.Argon2idParams;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.core.pg.Lsn;
import org.pghardstorage.core.repo.OpenOptions;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.storage.fs.FileSystemObjectStore;

/**
 * A restore refuses, before writing anything, what PostgreSQL could not recover: an encrypted
 * repository whose key would not reach {@code restore_command}, a key file or a repository that
 * PostgreSQL's OS user cannot read, an LSN target past the archived WAL. The OS user is a made-up
 * account in a passwd file of the test's own, so the checks do not depend on who runs the tests.
 */
class RecoveryAccessTest {
  private static final char[] PASSPHRASE = "recovery access".toCharArray();
  private static final int UID = 54321;

  @TempDir Path tmp;
  private Path repoDir;
  private Path keyFile;
  private Repository repo;
  private OsAccess access;
  private Path data;

  @BeforeEach
  void setUp() throws IOException {
    repoDir = Files.createDirectories(tmp.resolve("repo"));
    Files.setPosixFilePermissions(repoDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    repo =
        Repository.init(
            new FileSystemObjectStore(repoDir),
            FakeCluster.smallRepository()
                .withPassphrase(PASSPHRASE, Argon2idParams.withCost(64, 1, 1, new SecureRandom())),
            OpenOptions.defaults().withPassphrase(PASSPHRASE));
    FakeCluster.typical().commit(repo, id(1));
    FakeCluster.archiveWal(repo);
    keyFile = Files.writeString(tmp.resolve("passphrase"), new String(PASSPHRASE));
    Path passwd =
        Files.writeString(
            tmp.resolve("passwd"), "pgtest:x:" + UID + ":" + UID + "::/nonexistent:/bin/sh\n");
    Path group = Files.writeString(tmp.resolve("group"), "pgtest:x:" + UID + ":\n");
    access = new OsAccess(passwd, group);
    data = tmp.resolve("data");
    // the test's directory must be enterable by others, as an installation's would be
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterEach
  void close() {
    repo.close();
  }

  private Restorer restorer() {
    return new Restorer(
        repo, RestoreFixture.guard(repo, tmp.resolve("home")), Clock.systemUTC(), access);
  }

  private RestoreRequest.Builder request(RecoveryKey key) {
    return RestoreFixture.request(data, tmp.resolve("ts"))
        .recoveryKey(key)
        .postgresUser("pgtest")
        .checkRecoveryAccess(true);
  }

  private HardstorageException refused(RestoreRequest r, String expected) {
    RestorePreview p = restorer().preview(r);
    assertThat(p.problems()).anySatisfy(x -> assertThat(x).contains(expected));
    HardstorageException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            () -> restorer().restore(r, x -> {}), HardstorageException.class);
    assertThat(e).as("restore must refuse").isNotNull();
    assertThat(e.code()).isEqualTo(RestoreErrors.RECOVERY_WOULD_FAIL);
    assertThat(e.exitCode()).isEqualTo(ExitCode.PREFLIGHT_REFUSED);
    assertThat(e.getMessage()).contains(expected).contains("nothing was written");
    assertThat(data).doesNotExist();
    return e;
  }

  @Test
  void anEncryptedRepositoryWithoutAKeyForRestoreCommandIsRefused() {
    refused(request(RecoveryKey.none()).build(), "restore_command would get no key");
  }

  @Test
  void aKeyFromTheEnvironmentCannotReachRestoreCommand() {
    refused(
        request(new RecoveryKey.Unavailable("the environment variable PGHS_PASSPHRASE")).build(),
        "the environment variable PGHS_PASSPHRASE");
  }

  @Test
  void aKeyFilePostgresqlsUserCannotReadIsRefusedAndAReadableOneRestores() throws IOException {
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    RestoreRequest r = request(new RecoveryKey.PassphraseFile(keyFile)).build();
    refused(r, "pgtest may not read " + keyFile.toRealPath());

    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(restorer().preview(r).problems()).isEmpty();
    restorer().restore(r, x -> {});
    assertThat(data.resolve("recovery.signal")).exists();
  }

  @Test
  void aRepositoryPostgresqlsUserCannotReadIsRefused() throws IOException {
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(repoDir, PosixFilePermissions.fromString("rwx------"));
    refused(
        request(new RecoveryKey.PassphraseFile(keyFile)).build(),
        "reads the repository, but pgtest may not enter " + repoDir.toRealPath());
  }

  @Test
  void theCommandCarriesTheKeyFile() {
    String command =
        RestoreCommands.walFetch(
            "/opt/pghs/bin/pg_hardstorage",
            FakeCluster.DB1,
            "file:///srv/repo",
            new RecoveryKey.PassphraseFile(Path.of("/etc/pghs/key 1")));
    assertThat(command).endsWith(" --passphrase-file '/etc/pghs/key 1'");
  }

  @Test
  void anLsnTargetPastTheArchivedWalIsRefused() throws IOException {
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
    // the archive ends with segment 0x21 (1 MiB segments): 0/2200000
    RestoreRequest r =
        request(new RecoveryKey.PassphraseFile(keyFile))
            .recoveryTarget(new RecoveryTarget.AtLsn(Lsn.parse("0/3000000")))
            .build();
    refused(r, "the archived WAL ends at " + Lsn.parse("0/2200000"));

    RestoreRequest reachable =
        request(new RecoveryKey.PassphraseFile(keyFile))
            .recoveryTarget(new RecoveryTarget.AtLsn(Lsn.parse("0/2180000")))
            .build();
    assertThat(restorer().preview(reachable).problems()).isEmpty();
  }

  @Test
  void theUsersAccountsAndGroupsAreReadFromTheAccountFiles() throws IOException {
    Path passwd =
        Files.writeString(
            tmp.resolve("passwd2"), "a:x:1001:1001::/home/a:/bin/sh\nb:x:1002:1002::/:/bin/sh\n");
    Path group = Files.writeString(tmp.resolve("group2"), "a:x:1001:\nshared:x:2000:b,a\n");
    OsAccess.Account a = new OsAccess(passwd, group).account("a").orElseThrow();
    assertThat(a.uid()).isEqualTo(1001);
    assertThat(a.groups()).containsExactlyInAnyOrder(1001, 2000);
    assertThat(new OsAccess(passwd, group).account("nobody")).isEmpty();
  }
}

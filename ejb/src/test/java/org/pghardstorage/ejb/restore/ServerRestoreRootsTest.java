package org.pghardstorage.ejb.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;

/**
 * Where a restore on the server may write, judged on a real file system: only strictly inside an
 * allowed root once symbolic links are resolved, only a new or empty directory, never with {@code
 * ..}, never a relative path; and nowhere at all when no root is configured.
 */
class ServerRestoreRootsTest {
  @TempDir Path tmp;
  private Path root;
  private Path outside;
  private ServerRestoreRoots roots;

  @BeforeEach
  void layout() throws Exception {
    root = Files.createDirectories(tmp.resolve("restores"));
    outside = Files.createDirectories(tmp.resolve("elsewhere"));
    roots = new ServerRestoreRoots(List.of(root));
  }

  @Test
  void aNewOrEmptyDirectoryInsideARootIsAllowedAsItReallyIs() throws Exception {
    assertThat(roots.check(root.resolve("db1-recovered").toString()))
        .isEqualTo(root.toRealPath().resolve("db1-recovered"));
    assertThat(roots.check(root.resolve("a/b/c") + " "))
        .as("absent parents are fine; surrounding blanks are not part of the path")
        .isEqualTo(root.toRealPath().resolve("a/b/c"));
    Path empty = Files.createDirectory(root.resolve("empty"));
    assertThat(roots.check(empty.toString())).isEqualTo(empty.toRealPath());
    // a link inside the root to a directory inside the root is where it points
    Path inner = Files.createDirectory(root.resolve("inner"));
    Files.createSymbolicLink(root.resolve("alias"), inner);
    assertThat(roots.check(root.resolve("alias/new").toString()))
        .isEqualTo(inner.toRealPath().resolve("new"));
  }

  @Test
  void aRootReachedThroughALinkIsResolvedToo() throws Exception {
    Path link = Files.createSymbolicLink(tmp.resolve("restores-link"), root);
    ServerRestoreRoots viaLink = new ServerRestoreRoots(List.of(link));
    assertThat(viaLink.check(root.resolve("x").toString()))
        .isEqualTo(root.toRealPath().resolve("x"));
  }

  @Test
  void aSymbolicLinkOutOfTheRootIsRefused() throws Exception {
    Files.createSymbolicLink(root.resolve("escape"), outside);
    Path escaped = outside.toRealPath().resolve("new");
    assertThatThrownBy(() -> roots.check(root.resolve("escape/new").toString()))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("restore.target_not_allowed");
              assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
              assertThat(e.getMessage())
                  .contains("it resolves to " + escaped)
                  .contains("not inside any of the allowed roots");
            });
    assertThat(outside.resolve("new")).doesNotExist();
    Path dangling = Files.createSymbolicLink(root.resolve("dangling"), tmp.resolve("gone"));
    assertThatThrownBy(() -> roots.check(dangling.resolve("x").toString()))
        .hasMessageContaining("may not be restored into");
  }

  @Test
  void traversalIsRefusedEvenWhenItWouldLandInside() {
    assertThatThrownBy(() -> roots.check(root + "/../elsewhere/x"))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("restore.target_not_allowed");
              assertThat(e.getMessage()).contains("it has a . or .. part");
            });
    assertThatThrownBy(() -> roots.check(root + "/x/../y")).hasMessageContaining(".. part");
    assertThatThrownBy(() -> roots.check(root + "/./y")).hasMessageContaining(".. part");
  }

  @Test
  void aRelativeOrBlankPathIsRefused() {
    for (String bad : new String[] {"restores/x", "x", "", "  "}) {
      assertThatThrownBy(() -> roots.check(bad))
          .as(bad)
          .isInstanceOfSatisfying(
              HardstorageException.class,
              e -> {
                assertThat(e.code()).isEqualTo("restore.target_not_allowed");
                assertThat(e.getMessage()).contains("it is not an absolute path");
              });
    }
    assertThatThrownBy(() -> roots.check(null)).hasMessageContaining("not an absolute path");
  }

  @Test
  void theRootItselfOrAnythingOutsideItIsRefused() {
    assertThatThrownBy(() -> roots.check(root.toString()))
        .hasMessageContaining("not inside any of the allowed roots");
    assertThatThrownBy(() -> roots.check(outside.resolve("x").toString()))
        .hasMessageContaining("not inside any of the allowed roots");
    assertThatThrownBy(() -> roots.check(tmp + "/restores-sibling/x"))
        .as("a sibling whose name starts with the root's is not inside it")
        .hasMessageContaining("not inside any of the allowed roots");
  }

  @Test
  void aNonEmptyDirectoryOrAFileIsRefused() throws Exception {
    Path full = Files.createDirectories(root.resolve("full"));
    Files.writeString(full.resolve("PG_VERSION"), "18\n");
    Path fullReal = full.toRealPath();
    assertThatThrownBy(() -> roots.check(full.toString()))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("restore.target_not_empty");
              assertThat(e.exitCode()).isEqualTo(ExitCode.CONFLICT);
              assertThat(e.getMessage()).endsWith(fullReal + " is not empty");
            });
    assertThat(full.resolve("PG_VERSION")).hasContent("18");
    Path file = Files.writeString(root.resolve("file"), "x");
    assertThatThrownBy(() -> roots.check(file.toString()))
        .hasMessageEndingWith("exists and is not a directory");
  }

  @Test
  void withoutRootsNothingIsAllowedAndThePageCanSayHowToEnableIt() {
    ServerRestoreRoots off = ServerRestoreRoots.from(name -> Optional.empty());
    assertThat(off.enabled()).isFalse();
    assertThatThrownBy(() -> off.check(root.resolve("x").toString()))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("restore.server_disabled");
              assertThat(e.getMessage()).contains(ServerRestoreRoots.PROPERTY);
              assertThat(e.suggestion().orElseThrow()).contains("set-config-property");
            });
  }

  @Test
  void theSettingIsAListOfAbsoluteDirectories() {
    ServerRestoreRoots two =
        ServerRestoreRoots.from(
            name ->
                Optional.ofNullable(
                    Map.of(ServerRestoreRoots.PROPERTY, " /srv/a , /srv/b,").get(name)));
    assertThat(two.roots()).containsExactly(Path.of("/srv/a"), Path.of("/srv/b"));
    assertThatThrownBy(
            () ->
                ServerRestoreRoots.from(
                    name ->
                        Optional.ofNullable(
                            Map.of(ServerRestoreRoots.PROPERTY, "/srv/a,relative").get(name))))
        .isInstanceOfSatisfying(
            HardstorageException.class,
            e -> {
              assertThat(e.code()).isEqualTo("restore.bad_server_roots");
              assertThat(e.getMessage()).contains("\"relative\", not an absolute path");
            });
  }
}

package org.pghardstorage.it.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Without servers: every tutorial and how-to parses, and every block has a role, so {@link DocsIT}
 * runs or names each one. Pages must not lose their tests silently either.
 */
class DocsMarkupTest {

  @Test
  void everyBlockOfEveryPageHasARole() {
    List<DocPage> pages = DocPages.all();

    assertThat(pages)
        .extracting(DocPage::name)
        .contains(
            "tutorials/try-the-demo.md",
            "tutorials/first-backup-and-restore.md",
            "how-to/install.md",
            "how-to/point-in-time-recovery.md",
            "how-to/set-up-a-host-with-init.md");
    for (DocPage page : pages) {
      assertThat(page.blocks()).as(page.name()).isNotEmpty();
      long runs =
          page.blocks().stream()
              .filter(b -> b.role() == DocBlock.Role.SHELL || b.role() == DocBlock.Role.SQL)
              .count();
      long notRun = page.blocks().stream().filter(b -> b.role() == DocBlock.Role.NOT_RUN).count();
      assertThat(runs + notRun).as(page.name() + ": blocks that run or say why not").isPositive();
    }
  }

  @Test
  void everyShellBlockThatRunsOnAPageWithoutAServerNeedsNone() {
    for (DocPage page : DocPages.all()) {
      boolean server = page.annotation().postgres().isPresent();
      for (DocBlock b : page.blocks()) {
        if (b.role() == DocBlock.Role.SQL) {
          assertThat(server)
              .as(b.where() + ": an SQL block needs 'test page: postgres N'")
              .isTrue();
        }
      }
    }
  }
}

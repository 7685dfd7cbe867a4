package org.pghardstorage.it.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DocParserTest {

  private static DocPage parse(String... lines) {
    return DocParser.parse("how-to/x.md", String.join("\n", lines) + "\n");
  }

  @Test
  void shellBlocksRunWithTheirAnnotationAndOutputBlocksBelongToTheCommandAbove() {
    DocPage page =
        parse(
            "# Title",
            "<!-- test page: postgres 17 -->",
            "<!-- test page: replace /srv/ => {root}/srv/ -->",
            "",
            "<!-- test: env PGPASSWORD={password}; capture id=Backup (\\S+) -->",
            "```sh",
            "pg_hardstorage backup db1 \\",
            "    --repo file:///srv/pghs-repo",
            "```",
            "",
            "<!-- test: output; vary id duration -->",
            "```",
            "Backup 20261130T202729Z-snjvkr of db1 committed.",
            "```",
            "1. item",
            "   ```sql",
            "   CREATE ROLE x;",
            "   ```");

    assertThat(page.annotation().postgres()).contains(17);
    assertThat(page.annotation().replaces())
        .containsExactly(new Annotation.Replace("/srv/", "{root}/srv/"));
    List<DocBlock> blocks = page.blocks();
    assertThat(blocks)
        .extracting(DocBlock::role)
        .containsExactly(DocBlock.Role.SHELL, DocBlock.Role.OUTPUT, DocBlock.Role.SQL);
    DocBlock shell = blocks.get(0);
    assertThat(shell.line()).isEqualTo(6);
    assertThat(shell.text())
        .isEqualTo("pg_hardstorage backup db1 \\\n    --repo file:///srv/pghs-repo\n");
    assertThat(shell.annotation().env()).containsEntry("PGPASSWORD", "{password}");
    assertThat(shell.annotation().captures()).containsKey("id");
    assertThat(blocks.get(1).annotation().vary()).containsExactlyInAnyOrder("id", "duration");
    assertThat(blocks.get(2).text())
        .as("indentation of a list item removed")
        .isEqualTo("CREATE ROLE x;\n");
  }

  @Test
  void aBlockWithoutARoleIsRefusedWithItsPageAndLine() {
    assertThatThrownBy(() -> parse("text", "```yaml", "a: 1", "```"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("how-to/x.md:2: a 'yaml' block must say what it is");
    assertThatThrownBy(() -> parse("```", "plain", "```"))
        .hasMessageContaining("how-to/x.md:1: a '' block must say what it is");
  }

  @Test
  void notRunBlocksKeepTheirReasonAndTheOutputOfANotRunCommandIsNotRunEither() {
    DocPage page =
        parse(
            "<!-- test: not run: needs a Payara domain -->",
            "```sh",
            "asadmin deploy x.ear",
            "```",
            "<!-- test: output -->",
            "```",
            "Command deploy executed successfully.",
            "```",
            "<!-- test: not run: a unit file -->",
            "```ini",
            "[Unit]",
            "```");

    assertThat(page.blocks()).extracting(DocBlock::role).containsOnly(DocBlock.Role.NOT_RUN);
    assertThat(page.blocks())
        .extracting(b -> b.annotation().notRun().orElseThrow())
        .containsExactly("needs a Payara domain", "the command it shows is not run", "a unit file");
  }

  @Test
  void misplacedOrUnknownAnnotationsAreRefused() {
    assertThatThrownBy(() -> parse("<!-- test: output -->", "```", "x", "```"))
        .hasMessageContaining("an output block without a command block above it");
    assertThatThrownBy(() -> parse("<!-- test: exit 7 -->", "", "```sh", "x", "```"))
        .hasMessageContaining("how-to/x.md:1: a test annotation must stand just before its block");
    assertThatThrownBy(() -> parse("<!-- test: retry 3 -->", "```sh", "x", "```"))
        .hasMessageContaining("unknown test annotation item 'retry 3'");
    assertThatThrownBy(() -> parse("<!-- test: output; vary colour -->", "```", "x", "```"))
        .hasMessageContaining("unknown kind 'colour'");
    assertThatThrownBy(() -> parse("```sh", "x", "```", "<!-- test page: s3 -->"))
        .hasMessageContaining("'test page' annotations go before the first block");
    assertThatThrownBy(() -> parse("```sh", "never closed"))
        .hasMessageContaining("how-to/x.md:1: unclosed fenced block");
    assertThatThrownBy(() -> parse("<!-- test: capture x=(y) -->", "```sql", "x", "```"))
        .hasMessageContaining("belong to a shell block");
  }

  @Test
  void fileAndPendingBlocks() {
    DocPage page =
        parse(
            "<!-- test: file /etc/x.yml -->",
            "```yaml",
            "a: 1",
            "```",
            "<!-- test: pending: repo info takes the URL as an argument -->",
            "```sh",
            "pg_hardstorage repo info file:///srv/r",
            "```");

    assertThat(page.blocks().get(0).role()).isEqualTo(DocBlock.Role.FILE);
    assertThat(page.blocks().get(0).annotation().file()).contains("/etc/x.yml");
    assertThat(page.blocks().get(1).role()).isEqualTo(DocBlock.Role.SHELL);
    assertThat(page.blocks().get(1).annotation().pending())
        .contains("repo info takes the URL as an argument");
  }
}

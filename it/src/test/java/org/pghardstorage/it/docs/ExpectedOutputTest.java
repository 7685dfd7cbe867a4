package org.pghardstorage.it.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExpectedOutputTest {
  private static final String SHOWN =
      String.join(
          "\n",
          "Backup 20261130T202729Z-snjvkr of db1 committed.",
          "  LSN 0/03000028 .. 0/03000120 on timeline 1, PostgreSQL 18.6",
          "  read 36.0 MiB, new 23.1 MiB (stored 6.1 MiB), dedup 35.7%, 3 WAL segments, 4.5 s");

  @Test
  void declaredKindsVaryAndEverythingElseMustBeEqual() {
    ExpectedOutput e =
        ExpectedOutput.compile(
            SHOWN, Set.of("id", "lsn", "size", "percent", "duration"), List.of());

    assertThat(
            e.matchesAll(
                "Backup 20261205T071500Z-abc123 of db1 committed.\r\n"
                    + "  LSN 0/05000028 .. 1/0A000120 on timeline 1, PostgreSQL 18.6\r\n"
                    + "  read 1.2 GiB, new 0 B (stored 0 B), dedup 100%, 3 WAL segments, 12 s  \n"))
        .isTrue();
    assertThat(e.matchesAll(SHOWN.replace("committed", "stored"))).as("wording").isFalse();
    assertThat(e.matchesAll(SHOWN.replace("3 WAL segments", "4 WAL segments")))
        .as("a count that is not declared to vary")
        .isFalse();
    assertThat(e.matchesAll(SHOWN.replace("on timeline 1", "on timeline 2"))).isFalse();
    assertThat(e.matchesAll(SHOWN + "\nan extra line")).isFalse();
    assertThat(e.matchesExcerpt("before\n" + SHOWN + "\nafter")).isTrue();
    assertThat(e.matchesExcerpt("before\n" + SHOWN.replace("db1", "db2") + "\nafter")).isFalse();
  }

  @Test
  void aRightAlignedColumnMayWidenAndTemporaryNamesAndPortsVary() {
    ExpectedOutput e =
        ExpectedOutput.compile(
            "prepare        2.7 s  passed  /tmp/pghs-demo-17426056519922055721/pg18-40259 on 127.0.0.1:40259",
            Set.of("duration", "random", "port"),
            List.of());

    assertThat(
            e.matchesAll(
                "prepare       12.7 s  passed  /tmp/pghs-demo-99/pg18-5432 on 127.0.0.1:5432"))
        .as("a random part is long")
        .isFalse();
    assertThat(
            e.matchesAll(
                "prepare       12.7 s  passed  /tmp/pghs-demo-123456789012/pg18-5432 on 127.0.0.1:5432"))
        .isTrue();
    assertThat(
            e.matchesAll(
                "prepare       12.7 s  failed  /tmp/pghs-demo-123456789012/pg18-5432 on 127.0.0.1:5432"))
        .isFalse();
  }

  @Test
  void aBlockMayNameAKindOfItsOwn() {
    ExpectedOutput e =
        ExpectedOutput.compile("1 packs, 652 chunks", Set.of("/\\d+(?= chunks)/"), List.of());

    assertThat(e.matchesAll("1 packs, 653 chunks")).isTrue();
    assertThat(e.matchesAll("2 packs, 652 chunks")).isFalse();
  }

  @Test
  void withoutVaryTheOutputMustBeExact() {
    ExpectedOutput e = ExpectedOutput.compile(SHOWN, Set.of(), List.of());

    assertThat(e.matchesAll(SHOWN)).isTrue();
    assertThat(e.matchesAll(SHOWN.replace("4.5 s", "4.6 s"))).isFalse();
  }

  @Test
  void anEllipsisLineStandsForAnyNumberOfLines() {
    ExpectedOutput e = ExpectedOutput.compile("first\n  ...\nlast", Set.of(), List.of());

    assertThat(e.matchesAll("first\nlast")).isTrue();
    assertThat(e.matchesAll("first\na\nb\nlast")).isTrue();
    assertThat(e.matchesAll("first\na\nb\nlast but not least")).isFalse();
    assertThat(ExpectedOutput.compile("...\nlast", Set.of(), List.of()).matchesAll("a\nb\nlast"))
        .isTrue();
  }

  @Test
  void substitutedValuesAreLiteralAndKindsApplyAroundThem() {
    String root = "/tmp/pghs-docs-123";
    ExpectedOutput e =
        ExpectedOutput.compile(
            "Created repository file://" + root + "/srv/repo on port 5432.",
            Set.of("number"),
            List.of(root));

    assertThat(e.matchesAll("Created repository file://" + root + "/srv/repo on port 99."))
        .isTrue();
    assertThat(e.matchesAll("Created repository file:///tmp/pghs-docs-999/srv/repo on port 5432."))
        .isFalse();
  }

  @Test
  void theTerminalShowsTheLastVersionOfARewrittenLineWithoutColours() {
    assertThat(
            ExpectedOutput.normalize("\n\u001B[1mcopy: 1 MiB\rcopy: 2 MiB\u001B[0m\r\ndone  \n\n"))
        .isEqualTo("copy: 2 MiB\ndone");
  }

  @Test
  void theFirstMissingLineIsNamed() {
    ExpectedOutput e = ExpectedOutput.compile("a 1\nb 2\nc 3", Set.of("number"), List.of());

    assertThat(e.firstMissingLine("a 7\nc 9", Set.of("number"), List.of())).contains("b 2");
  }
}

package org.pghardstorage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pghardstorage.cli.output.OutputFormat;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.core.repo.GarbageCollection;
import org.pghardstorage.core.retention.GfsPolicy;
import org.pghardstorage.core.retention.KeepReason;
import org.pghardstorage.core.retention.RetentionPlan;
import org.pghardstorage.core.retention.RotationResult;
import org.pghardstorage.core.wal.WalAudit;

/** How a retention plan and a rotation's result read in text, JSON and table form. */
class RotateReportTest {
  private static final String OLD = "20261128T020000Z-aaaaaa";
  private static final String WEEK = "20261129T020000Z-bbbbbb";
  private static final String NEWEST = "20261130T020000Z-cccccc";

  private static RetentionPlan plan() {
    return new RetentionPlan(
        "db1",
        new GfsPolicy(0, 1, 2, 0, 0),
        Instant.parse("2026-11-30T05:30:00Z"),
        List.of(
            new RetentionPlan.KeptBackup(
                WEEK,
                Instant.parse("2026-11-29T02:00:00Z"),
                "0/5000028",
                1,
                List.of(new KeepReason("weekly", "2026-W48"))),
            new RetentionPlan.KeptBackup(
                NEWEST,
                Instant.parse("2026-11-30T02:00:00Z"),
                "0/9000028",
                1,
                List.of(
                    KeepReason.newest(),
                    new KeepReason("daily", "2026-11-30"),
                    new KeepReason("weekly", "2026-W49")))),
        List.of(new RetentionPlan.DeletedBackup(OLD, Instant.parse("2026-11-28T02:00:00Z"))),
        new RetentionPlan.WalPlan(
            "000000010000000000000005",
            "0/05000028",
            List.of(
                new RetentionPlan.TimelineDeletion(
                    1, false, "000000010000000000000001", "000000010000000000000004", 4, 4096)),
            List.of(),
            4,
            4096),
        new RetentionPlan.PackPlan(3, 3 << 20, true, 0),
        new RetentionPlan.PitrWindow(
            WEEK,
            Instant.parse("2026-11-29T02:00:00Z"),
            "0/05000028",
            1,
            1,
            "00000001000000000000000A",
            true,
            List.of(
                new WalAudit.Gap(
                    1,
                    "000000010000000000000007",
                    "000000010000000000000007",
                    "missing",
                    WalAudit.Impact.NEWEST_BACKUP))));
  }

  private static String print(OutputFormat format, RetentionPlan p, RotationResult done) {
    StringWriter out = new StringWriter();
    new Printer(
            format,
            new PrintWriter(out),
            new PrintWriter(new StringWriter()),
            "rotate",
            Clock.fixed(Instant.EPOCH, ZoneOffset.UTC))
        .result(RotateReport.result(p, Optional.ofNullable(done)), RotateReport.text(p, done));
    return out.toString();
  }

  @Test
  void theDryRunTextNamesEachBackupsFateAndWhyAndTheWindowWithItsGaps() {
    String text = print(OutputFormat.TEXT, plan(), null);

    assertThat(text.lines())
        .contains(
            "  delete  " + OLD,
            "  keep    " + WEEK + " weekly 2026-W48",
            "  keep    " + NEWEST + " newest, daily 2026-11-30, weekly 2026-W49",
            "Packs: would delete 3 (3.0 MiB)",
            "Run again with --apply to delete.")
        .anyMatch(l -> l.startsWith("Dry run: rotating db1 with policy gfs (hourly 0, daily 1,"))
        .anyMatch(l -> l.startsWith("WAL: would delete 4 segments (4.0 KiB) before 00000001"))
        .anyMatch(l -> l.contains("gap on timeline 1: 000000010000000000000007"));
  }

  @Test
  void afterApplyingTheTextAndJsonSayWhatWasDeleted() {
    RotationResult done =
        new RotationResult(
            plan(), List.of(OLD), 4, 4096, List.of(), new GarbageCollection(2, 2048, 1, 1, 0));

    assertThat(print(OutputFormat.TEXT, plan(), done))
        .contains("Rotated db1")
        .contains("  deleted " + OLD)
        .contains("WAL: deleted 4 segments")
        .contains("Packs: deleted 2 (2.0 KiB)")
        .doesNotContain("--apply");
    JsonNode r = Printer.tree(RotateReport.result(plan(), Optional.of(done)));
    assertThat(r.path("applied").asBoolean()).isTrue();
    assertThat(r.path("packs").path("packs_deleted").asInt()).isEqualTo(2);
    assertThat(r.path("packs").path("index_files_written").asInt()).isEqualTo(1);
  }

  @Test
  void jsonCarriesThePlanAndTablesListOneRowPerBackupOldestFirst() {
    JsonNode r = Printer.tree(RotateReport.result(plan(), Optional.empty()));
    assertThat(r.path("policy").path("weekly").asInt()).isEqualTo(2);
    assertThat(r.path("backups").findValuesAsText("backup_id")).containsExactly(OLD, WEEK, NEWEST);
    assertThat(r.path("backups").findValuesAsText("action"))
        .containsExactly("delete", "keep", "keep");
    assertThat(r.path("wal").path("timelines").get(0).path("last_segment").asText())
        .isEqualTo("000000010000000000000004");
    assertThat(r.path("pitr_window").path("gaps")).hasSize(1);

    List<String> table = print(OutputFormat.TABLE, plan(), null).lines().toList();
    assertThat(table).hasSize(5);
    assertThat(table.get(0)).startsWith("backup_id").contains("action").contains("kept_by");
    assertThat(table.get(2)).startsWith(OLD).contains("delete");
  }
}

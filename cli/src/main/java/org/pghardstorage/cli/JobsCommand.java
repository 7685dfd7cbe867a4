package org.pghardstorage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.pghardstorage.cli.output.Printer;
import org.pghardstorage.cli.server.ServerClient;
import org.pghardstorage.cli.server.ServerOptions;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pg_hardstorage jobs ...}: the server's Jakarta Batch jobs, over its REST API. */
@Command(
    name = "jobs",
    description =
        "Start and follow the server's jobs (base-backup, verify, rotate, restore); needs --server.",
    subcommands = {JobsCommand.ListJobs.class, JobsCommand.Show.class, JobsCommand.Start.class})
final class JobsCommand {
  /** States a job run does not leave (the server writes them in lower case). */
  static final Set<String> FINAL = Set.of("completed", "failed", "stopped", "abandoned");

  static String state(JsonNode run) {
    return run.path("state").asText().toLowerCase(java.util.Locale.ROOT);
  }

  /** {@code jobs list}. */
  @Command(name = "list", description = "Job runs, newest first.")
  static final class ListJobs extends BaseCommand {
    @Option(names = "--deployment", paramLabel = "NAME", description = "Only this deployment's.")
    String deployment;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "20",
        description = "At most N runs (default 20; 0 = all).")
    int limit;

    @Mixin ServerOptions server;

    @Override
    protected ExitCode run(Printer printer) {
      String path =
          "jobs" + (deployment != null ? "?deployment=" + ServerClient.encode(deployment) : "");
      JsonNode runs = server.client().items(path, limit);
      printer.result(
          Map.of("jobs", runs),
          out -> {
            if (runs.isEmpty()) {
              out.println("No job runs.");
              return;
            }
            out.printf(
                "%-6s %-12s %-16s %-10s %-20s %s%n",
                "ID", "JOB", "DEPLOYMENT", "STATE", "STARTED", "PROGRESS");
            for (JsonNode r : runs) {
              out.printf(
                  "%-6s %-12s %-16s %-10s %-20s %s%n",
                  r.path("id").asText(),
                  r.path("job").asText(),
                  r.path("deployment").asText(),
                  r.path("state").asText(),
                  time(r.path("started_at").asText("")),
                  progress(r));
            }
          });
      return ExitCode.OK;
    }
  }

  /** {@code jobs show ID}. */
  @Command(name = "show", description = "One job run: state, progress, result or error.")
  static final class Show extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The job run's id.")
    long id;

    @Option(names = "--wait", description = "Wait until the run ends, printing its progress.")
    boolean wait;

    @Mixin ServerOptions server;

    @Override
    protected ExitCode run(Printer printer) {
      ServerClient client = server.client();
      JsonNode run = client.get("jobs/" + id);
      if (wait) {
        run = follow(client, run, printer);
      }
      return finish(run, printer, wait);
    }
  }

  /** {@code jobs start JOB DEPLOYMENT}. */
  @Command(
      name = "start",
      description =
          "Start a job on the server: base-backup, verify (--param backup=ID) or rotate"
              + " (--param apply=true). A second run of a job for one deployment is refused"
              + " (exit 7).")
  static final class Start extends BaseCommand {
    @Parameters(
        index = "0",
        paramLabel = "JOB",
        description =
            "base-backup, verify, rotate or restore (restore: --param plan=ID --param confirm=DEPLOYMENT).")
    String job;

    @Parameters(index = "1", paramLabel = "DEPLOYMENT", description = "Deployment name.")
    String deployment;

    @Option(
        names = "--param",
        paramLabel = "KEY=VALUE",
        description = "A job parameter; repeatable.")
    Map<String, String> parameters = new LinkedHashMap<>();

    @Option(
        names = "--wait",
        description =
            "Wait until the run ends, printing its progress; exit 1 if it did not complete.")
    boolean wait;

    @Mixin ServerOptions server;

    @Override
    protected ExitCode run(Printer printer) {
      if (!Set.of("base-backup", "verify", "rotate", "restore").contains(job)) {
        throw new HardstorageException(
            "usage.unknown_job",
            ExitCode.USAGE,
            "unknown job '" + job + "'",
            "use base-backup, verify, rotate or restore");
      }
      ServerClient client = server.client();
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("job", job);
      body.put("deployment", deployment);
      body.put("parameters", parameters);
      JsonNode run = client.post("jobs", body);
      printer.note(
          "started job run " + run.path("id").asText() + " (" + job + " " + deployment + ")");
      if (wait) {
        run = follow(client, run, printer);
      }
      return finish(run, printer, wait);
    }
  }

  /** Polls a run until it ends, reporting progress whenever it changes. */
  static JsonNode follow(ServerClient client, JsonNode run, Printer printer) {
    String last = "";
    while (!FINAL.contains(state(run))) {
      String now = run.path("state").asText() + " " + progress(run);
      if (!now.equals(last)) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("job_run", run.path("id").asLong());
        f.put("state", run.path("state").asText());
        f.put("done", run.path("progress_done").asLong());
        f.put("total", run.path("progress_total").asLong());
        printer.progress(
            run.path("job").asText(), f, "job " + run.path("id").asText() + ": " + now);
        last = now;
      }
      try {
        Thread.sleep(Duration.ofSeconds(1).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HardstorageException(
            "job.wait_interrupted",
            ExitCode.ABORTED,
            "stopped waiting for job run " + run.path("id").asText() + "; it goes on on the server",
            "follow it with: pg_hardstorage jobs show " + run.path("id").asText() + " --wait");
      }
      run = client.get("jobs/" + run.path("id").asLong());
    }
    return run;
  }

  static ExitCode finish(JsonNode run, Printer printer, boolean waited) {
    printer.result(run, out -> print(run, out));
    if (waited && !"completed".equals(state(run))) {
      return ExitCode.ERROR;
    }
    return ExitCode.OK;
  }

  private static void print(JsonNode r, PrintWriter out) {
    out.printf(
        "job run    %s (%s %s)%n",
        r.path("id").asText(), r.path("job").asText(), r.path("deployment").asText());
    out.printf("state      %s%n", r.path("state").asText());
    out.printf("progress   %s%n", progress(r));
    out.printf(
        "started    %s by %s (%s)%n",
        time(r.path("started_at").asText("")),
        r.path("actor").asText("?"),
        r.path("trigger").asText("?"));
    if (r.hasNonNull("ended_at")) {
      out.printf("ended      %s%n", time(r.path("ended_at").asText()));
    }
    if (r.hasNonNull("result") && !r.path("result").asText().isBlank()) {
      out.printf("result     %s%n", r.path("result").asText());
    }
    if (r.hasNonNull("error") && !r.path("error").asText().isBlank()) {
      out.printf("error      %s%n", r.path("error").asText());
    }
  }

  static String progress(JsonNode r) {
    long done = r.path("progress_done").asLong();
    long total = r.path("progress_total").asLong();
    return total > 0 ? String.format("%d/%d (%.0f%%)", done, total, 100.0 * done / total) : "-";
  }

  static String time(String iso) {
    return iso.length() >= 19 ? iso.substring(0, 19).replace('T', ' ') : iso;
  }
}

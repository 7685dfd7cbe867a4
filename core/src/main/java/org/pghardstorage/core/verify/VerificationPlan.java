package org.pghardstorage.core.verify;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.pghardstorage.core.chunk.ChunkId;
import org.pghardstorage.core.chunk.ChunkRef;
import org.pghardstorage.core.repo.BackupId;
import org.pghardstorage.core.repo.ChunkReader;
import org.pghardstorage.core.repo.DamagedObject;
import org.pghardstorage.core.repo.Deployment;
import org.pghardstorage.core.repo.PackId;
import org.pghardstorage.core.repo.Repository;
import org.pghardstorage.core.repo.RepositoryCorruptException;
import org.pghardstorage.core.repo.manifest.BackupManifest;
import org.pghardstorage.core.restore.BackupChooser;
import org.pghardstorage.core.restore.BackupSelector;

/**
 * A verification split into units of work that a caller checks one at a time, in order, and may
 * interrupt and resume: the server's checkpointed batch job. {@link Verifier} runs the same checks
 * in parallel in one go.
 *
 * <p>{@link #prepare} reads both manifests and the chunk index and finds what can be found up front
 * (a damaged manifest, unindexed chunks, file lists or WAL ranges that disagree). {@link #units()}
 * lists the rest: every pack the backup uses, then every file, then every WAL segment, in an order
 * that is the same every time the same backup is prepared, so a unit's index is a stable resume
 * position. {@link #check} checks one unit; a {@link Tally} accumulates the outcomes and is {@link
 * Serializable}, so it can be checkpointed; {@link #report} turns it into the same {@link
 * VerifyReport} a {@link Verifier} would give.
 *
 * <p>The plan does not lock the repository: hold a {@link
 * org.pghardstorage.core.repo.LockKind#SHARED shared} lock while checking, so garbage collection
 * cannot delete packs underneath.
 */
public final class VerificationPlan {
  /** What a unit checks. */
  public enum UnitKind {
    /** One pack: re-read whole, every blob decoded and re-hashed. */
    PACK,
    /** One file: re-assembled and compared with both manifests. */
    FILE,
    /** One WAL segment the backup needs: read and checked to be the segment its name says. */
    WAL_SEGMENT
  }

  /**
   * One unit of work.
   *
   * @param index its position in {@link #units()}
   * @param kind what it checks
   * @param name the pack id, the file's path as PostgreSQL names it, or the segment name
   */
  public record Unit(int index, UnitKind kind, String name) implements Serializable {}

  /**
   * What checking one unit found.
   *
   * @param problems problems found
   * @param damagedChunks chunks proven unusable (by a pack check), in hex; later file units that
   *     use them are skipped, because the problem already names those files
   * @param chunks chunks decoded (pack units)
   * @param bytes bytes re-assembled or read (file and WAL units)
   * @param skipped whether the unit was not checked because an earlier unit already reported it
   */
  public record Outcome(
      List<VerifyProblem> problems,
      Set<String> damagedChunks,
      long chunks,
      long bytes,
      boolean skipped)
      implements Serializable {
    /** Copies the collections. */
    public Outcome {
      problems = List.copyOf(problems);
      damagedChunks = Set.copyOf(damagedChunks);
    }
  }

  private final Repository repo;
  private final Deployment deployment;
  private final BackupId backupId;
  private final String manifestKey;
  private final String postgresKey;
  private final List<VerifyProblem> leading = new ArrayList<>();
  private final List<VerifyProblem> middle = new ArrayList<>();
  private final List<Unit> units = new ArrayList<>();
  private final List<PackId> packs = new ArrayList<>();
  private final List<ChunkUsage.BackupFile> files = new ArrayList<>();
  private final List<WalChecks.Needed> segments = new ArrayList<>();
  private Optional<BackupManifest> manifest = Optional.empty();
  private Optional<PostgresManifest> postgres = Optional.empty();
  private ChunkUsage usage;
  private ChunkReader reader;
  private List<PostgresManifest.WalRangeEntry> walRanges = List.of();

  private VerificationPlan(Repository repo, Deployment deployment, BackupId backupId) {
    this.repo = repo;
    this.deployment = deployment;
    this.backupId = backupId;
    this.manifestKey = Repository.manifestKey(deployment, backupId).value();
    this.postgresKey = Repository.postgresManifestKey(deployment, backupId).value();
  }

  /**
   * Reads what a verification of {@code backup} needs and lists its units.
   *
   * @throws org.pghardstorage.core.error.HardstorageException {@code backup.not_found} (NOT_FOUND)
   *     if no such backup exists; storage errors that retries did not overcome
   */
  public static VerificationPlan prepare(
      Repository repo, Deployment deployment, BackupSelector backup) {
    Objects.requireNonNull(repo, "repo");
    return prepare(repo, deployment, new BackupChooser(repo).chooseId(deployment, backup));
  }

  static VerificationPlan prepare(Repository repo, Deployment deployment, BackupId id) {
    VerificationPlan plan = new VerificationPlan(repo, deployment, id);
    plan.read();
    return plan;
  }

  private void read() {
    manifest = readManifest();
    postgres = PostgresManifestChecks.read(repo, deployment, backupId, manifest, leading);
    if (manifest.isEmpty()) {
      return;
    }
    BackupManifest m = manifest.get();
    leading.addAll(indexDamageProblems(repo));
    reader = repo.openChunkReader();
    usage = new ChunkUsage(m, reader);
    leading.addAll(unindexedProblems(usage));
    for (PackId pack : usage.packs()) {
      packs.add(pack);
      units.add(new Unit(units.size(), UnitKind.PACK, pack.hex()));
    }
    for (ChunkUsage.BackupFile f : usage.files()) {
      files.add(f);
      units.add(new Unit(units.size(), UnitKind.FILE, f.label()));
    }
    postgres.ifPresent(p -> middle.addAll(fileSetProblems(usage, p, manifestKey, postgresKey)));
    walRanges = walRanges(m, postgres, postgresKey, middle);
    for (WalChecks.Needed n : WalChecks.needed(walRanges, m.wal().segmentSize())) {
      segments.add(n);
      units.add(new Unit(units.size(), UnitKind.WAL_SEGMENT, n.name()));
    }
  }

  private Optional<BackupManifest> readManifest() {
    try {
      return Optional.of(new BackupChooser(repo).choose(deployment, BackupSelector.of(backupId)));
    } catch (RepositoryCorruptException e) {
      leading.add(
          VerifyProblem.error(
              VerifyProblem.Kind.MANIFEST_DAMAGED,
              e.object(),
              List.of(),
              e.getMessage() + "; the backup's files cannot be checked"));
      return Optional.empty();
    }
  }

  /** The backup being verified. */
  public BackupId backupId() {
    return backupId;
  }

  /** The deployment. */
  public Deployment deployment() {
    return deployment;
  }

  Optional<BackupManifest> manifest() {
    return manifest;
  }

  Optional<PostgresManifest> postgres() {
    return postgres;
  }

  ChunkUsage usage() {
    return usage;
  }

  List<VerifyProblem> leadingProblems() {
    return leading;
  }

  List<VerifyProblem> middleProblems() {
    return middle;
  }

  List<PostgresManifest.WalRangeEntry> walRanges() {
    return walRanges;
  }

  /** Every unit, packs first, then files, then WAL segments; empty if the manifest is damaged. */
  public List<Unit> units() {
    return List.copyOf(units);
  }

  /** Problems found while preparing (they are part of {@link #report}). */
  public List<VerifyProblem> preparationProblems() {
    List<VerifyProblem> all = new ArrayList<>(leading);
    all.addAll(middle);
    return all;
  }

  /**
   * Checks one unit on the calling thread.
   *
   * @param unit a unit of this plan
   * @param unusableChunks chunks earlier pack units proved unusable ({@link Tally#damagedChunks()})
   */
  public Outcome check(Unit unit, Set<String> unusableChunks) {
    if (unit.index() < 0 || unit.index() >= units.size() || !units.get(unit.index()).equals(unit)) {
      throw new IllegalArgumentException(
          "unit " + unit + " is not part of the plan for " + deployment + "/" + backupId);
    }
    return switch (unit.kind()) {
      case PACK -> checkPack(packs.get(unit.index()));
      case FILE -> checkFile(files.get(unit.index() - packs.size()), unusableChunks);
      case WAL_SEGMENT -> checkSegment(segments.get(unit.index() - packs.size() - files.size()));
    };
  }

  private Outcome checkPack(PackId pack) {
    PackChecks c = PackChecks.of(usage, repo.verifyPack(pack));
    Set<String> damaged = new LinkedHashSet<>();
    c.damagedChunks().forEach(id -> damaged.add(id.hex()));
    return new Outcome(c.problems(), damaged, c.chunks(), 0, false);
  }

  private Outcome checkFile(ChunkUsage.BackupFile f, Set<String> unusable) {
    for (ChunkRef ref : f.entry().chunks()) {
      if (unusable.contains(ref.id().hex()) || usage.unindexed().containsKey(ref.id())) {
        return new Outcome(List.of(), Set.of(), 0, 0, true); // already reported with this file
      }
    }
    Optional<PostgresManifest.Entry> pg = postgres.map(p -> p.files().get(f.label()));
    FileCheck.Outcome o = new FileCheck(f, pg, reader, manifestKey, postgresKey).call();
    return new Outcome(o.problems(), Set.of(), 0, o.bytes(), false);
  }

  private Outcome checkSegment(WalChecks.Needed n) {
    BackupManifest m = manifest.orElseThrow();
    WalChecks.Outcome o =
        WalChecks.check(repo.wal(deployment), n, m.wal().segmentSize(), m.wal().end());
    return new Outcome(o.problem().stream().toList(), Set.of(), 0, o.bytes(), false);
  }

  /**
   * The report of a verification whose units were all checked into {@code tally}: the same
   * problems, in the same order, as {@link Verifier} reports.
   */
  public VerifyReport report(Tally tally, long durationMillis) {
    if (tally.checked != units.size()) {
      throw new IllegalStateException(
          tally.checked + " of " + units.size() + " units were checked; check them all first");
    }
    List<VerifyProblem> all = new ArrayList<>(leading);
    all.addAll(tally.dataProblems);
    all.addAll(middle);
    all.addAll(tally.walProblems);
    return new VerifyReport(
        deployment.name(),
        backupId.value(),
        all,
        tally.packs,
        tally.chunks,
        tally.files,
        tally.bytes,
        tally.segments,
        durationMillis);
  }

  /**
   * The running totals of a stepwise verification: what the checked units found. Serializable, so a
   * checkpoint can hold it; small unless the backup is badly damaged.
   */
  public static final class Tally implements Serializable {
    private static final long serialVersionUID = 1L;

    private int checked;
    private long packs;
    private long chunks;
    private long files;
    private long bytes;
    private long segments;
    private final ArrayList<VerifyProblem> dataProblems = new ArrayList<>();
    private final ArrayList<VerifyProblem> walProblems = new ArrayList<>();
    private final HashSet<String> damaged = new HashSet<>();

    /** Adds what checking {@code unit} found; units must be added in order. */
    public void add(Unit unit, Outcome outcome) {
      if (unit.index() != checked) {
        throw new IllegalStateException(
            "unit " + unit.index() + " added out of order; expected unit " + checked);
      }
      checked++;
      switch (unit.kind()) {
        case PACK -> {
          packs++;
          chunks += outcome.chunks();
        }
        case FILE -> files += outcome.skipped() ? 0 : 1;
        case WAL_SEGMENT -> segments++;
      }
      bytes += outcome.bytes();
      (unit.kind() == UnitKind.WAL_SEGMENT ? walProblems : dataProblems).addAll(outcome.problems());
      damaged.addAll(outcome.damagedChunks());
    }

    /** How many units were added: the index of the next unit to check. */
    public int checked() {
      return checked;
    }

    /** Chunks proven unusable so far, in hex. */
    public Set<String> damagedChunks() {
      return Set.copyOf(damaged);
    }

    /** Errors found so far. */
    public long errors() {
      return java.util.stream.Stream.concat(dataProblems.stream(), walProblems.stream())
          .filter(p -> p.severity() == VerifyProblem.Severity.ERROR)
          .count();
    }

    /** Bytes re-assembled or read so far. */
    public long bytes() {
      return bytes;
    }
  }

  /**
   * A warning per damaged index object: the backup's chunks were still found (through pack
   * trailers) and are checked like any others, so the backup's verdict does not depend on it, but
   * the repository needs repair before garbage can be collected.
   */
  static List<VerifyProblem> indexDamageProblems(Repository repo) {
    List<VerifyProblem> out = new ArrayList<>();
    for (DamagedObject d : repo.damagedIndexFiles()) {
      out.add(
          new VerifyProblem(
              VerifyProblem.Severity.WARNING,
              VerifyProblem.Kind.INDEX_DAMAGED,
              d.key(),
              List.of(),
              List.of(),
              d.detail()
                  + "; chunks it lists were looked up in pack trailers, and garbage collection"
                  + " refuses to run until 'pg_hardstorage repo index rebuild' replaces it"));
    }
    return out;
  }

  static List<VerifyProblem> unindexedProblems(ChunkUsage usage) {
    List<VerifyProblem> out = new ArrayList<>();
    for (Map.Entry<ChunkId, Set<String>> e : usage.unindexed().entrySet()) {
      out.add(
          new VerifyProblem(
              VerifyProblem.Severity.ERROR,
              VerifyProblem.Kind.CHUNK_MISSING,
              "index/",
              List.copyOf(e.getValue()),
              List.of(e.getKey().hex()),
              "the chunk is referenced by the backup but named by no index file"));
    }
    return out;
  }

  /** PostgreSQL lists regular files only (not backup_manifest itself); ours must match it. */
  static List<VerifyProblem> fileSetProblems(
      ChunkUsage usage, PostgresManifest postgres, String manifestKey, String postgresKey) {
    List<VerifyProblem> out = new ArrayList<>();
    Set<String> ours = new HashSet<>();
    for (ChunkUsage.BackupFile f : usage.files()) {
      ours.add(f.label());
      if (!postgres.files().containsKey(f.label())) {
        out.add(
            VerifyProblem.error(
                VerifyProblem.Kind.FILE_NOT_IN_POSTGRES_MANIFEST,
                postgresKey,
                List.of(f.label()),
                "the backup holds this file but PostgreSQL's backup_manifest does not list it"));
      }
    }
    for (String path : postgres.files().keySet()) {
      if (!ours.contains(path)) {
        out.add(
            VerifyProblem.error(
                VerifyProblem.Kind.FILE_NOT_IN_BACKUP,
                manifestKey,
                List.of(path),
                "PostgreSQL's backup_manifest lists this file but the backup does not hold it"));
      }
    }
    return out;
  }

  /**
   * The WAL ranges to check: PostgreSQL's, which name the timeline of every part, when they agree
   * with ours; else ours, which name only the timelines at both ends. Across a switch recovery
   * reads the switch segment and later ones from the newer timeline, so that is the better guess. A
   * disagreement is added to {@code problems}.
   */
  static List<PostgresManifest.WalRangeEntry> walRanges(
      BackupManifest m,
      Optional<PostgresManifest> postgres,
      String postgresKey,
      List<VerifyProblem> problems) {
    List<PostgresManifest.WalRangeEntry> ranges =
        List.of(
            new PostgresManifest.WalRangeEntry(
                m.wal().endTimeline(), m.wal().start(), m.wal().end()));
    if (postgres.isPresent()) {
      List<VerifyProblem> mismatch =
          WalChecks.compareRanges(m.wal(), postgres.get().walRanges(), postgresKey);
      problems.addAll(mismatch);
      if (mismatch.isEmpty()) {
        ranges = postgres.get().walRanges();
      }
    }
    return ranges;
  }
}

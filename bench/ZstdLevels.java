import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * One-core zstd speed and ratio at several levels on real files, for the choice of a repository's
 * compression levels (docs/explanation/performance.md, "zstd levels on real WAL and pages"). Each
 * input is a directory (WAL segments, or a cluster's base/ with its relation files) read in
 * name order up to a limit and cut as the repository cuts it: 1 MiB frames for WAL (a WAL segment
 * is a sealed object of 1 MiB frames, format §7.3), 256 KiB pieces for relation files (the
 * chunker's average). A piece that zstd does not shrink counts at its raw size, as the blob codec
 * stores it raw. A measurement run by hand, not a test.
 *
 * <pre>
 *   java -cp 'cli/target/pg_hardstorage/lib/*' bench/ZstdLevels.java MIB LEVELS NAME=DIR:PIECE_KIB ...
 *   e.g. ... 256 -7,-5,-3,-1,1,2,3 wal=/tmp/run/receivers/backlog-rw:1024 pages=/tmp/run/source/base:256
 * </pre>
 */
public final class ZstdLevels {
  public static void main(String[] args) throws IOException {
    long limit = Long.parseLong(args[0]) << 20;
    int[] levels = Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
    System.out.printf(
        Locale.ROOT,
        "java %s, zstd-jni %s, one thread, %d MiB per input at most%n",
        System.getProperty("java.version"),
        com.github.luben.zstd.util.ZstdVersion.VERSION,
        limit >> 20);
    System.out.printf(
        Locale.ROOT, "%-8s %6s %8s %10s %8s%n", "input", "level", "MiB", "MiB/s", "ratio");
    for (int a = 2; a < args.length; a++) {
      String name = args[a].substring(0, args[a].indexOf('='));
      String rest = args[a].substring(args[a].indexOf('=') + 1);
      Path dir = Path.of(rest.substring(0, rest.lastIndexOf(':')));
      int piece = Integer.parseInt(rest.substring(rest.lastIndexOf(':') + 1)) * 1024;
      List<byte[]> pieces = read(dir, piece, limit);
      long raw = pieces.stream().mapToLong(p -> p.length).sum();
      for (int level : levels) {
        try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
          ctx.setLevel(level);
          byte[] out = new byte[piece + 1024];
          stored(ctx, pieces, out); // warm-up: JIT, native context buffers
          long t0 = System.nanoTime();
          long stored = stored(ctx, pieces, out);
          double s = (System.nanoTime() - t0) / 1e9;
          System.out.printf(
              Locale.ROOT,
              "%-8s %6d %8.0f %10.0f %8.2f%n",
              name,
              level,
              raw / 1048576.0,
              raw / 1048576.0 / s,
              (double) raw / stored);
        }
      }
    }
  }

  private static long stored(ZstdCompressCtx ctx, List<byte[]> pieces, byte[] out) {
    long total = 0;
    for (byte[] p : pieces) {
      int n = ctx.compressByteArray(out, 0, out.length, p, 0, p.length);
      total += Math.min(n, p.length) + 8;
    }
    return total;
  }

  /** Regular files under dir in name order, cut into pieces, up to limit bytes. */
  private static List<byte[]> read(Path dir, int piece, long limit) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    List<byte[]> out = new ArrayList<>();
    long total = 0;
    for (Path f : files) {
      try (InputStream in = Files.newInputStream(f)) {
        while (total < limit) {
          byte[] p = in.readNBytes(piece);
          if (p.length == 0) {
            break;
          }
          out.add(p);
          total += p.length;
        }
      }
      if (total >= limit) {
        break;
      }
    }
    return out;
  }
}

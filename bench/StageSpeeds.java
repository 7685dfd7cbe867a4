import com.github.luben.zstd.ZstdCompressCtx;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Random;
import java.util.zip.CRC32C;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One-core speed of every per-byte stage of a pg_hardstorage backup, on this machine and JVM, for
 * docs/explanation/performance.md: HMAC-SHA-256 (chunk ids), SHA-256 (pack ids), zstd at levels 1
 * and 3, AES-256-GCM (sealing), CRC32C (file checksums) and a plain array copy, each over 256 KiB
 * chunks of two kinds of data: pgbench_accounts-like 8 KiB pages (small tuples, blank filler), or
 * the first 64 MiB of a file given (a real relation file), and random bytes (incompressible). A
 * measurement run by hand, not a test.
 *
 * <pre>
 *   java -cp 'cli/target/pg_hardstorage/lib/*' bench/StageSpeeds.java [MiB per stage [FILE]]
 * </pre>
 */
public final class StageSpeeds {
  private static final int CHUNK = 256 * 1024;

  interface Stage {
    void run(byte[] chunk) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 512;
    byte[][] pgbench = {pgbenchLikeChunk()};
    String kind = "pgbench-like";
    if (args.length > 1) {
      byte[] file;
      try (java.io.InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(args[1]))) {
        file = in.readNBytes(64 << 20);
      }
      pgbench = new byte[Math.max(1, file.length / CHUNK)][];
      for (int i = 0; i < pgbench.length; i++) {
        pgbench[i] = java.util.Arrays.copyOfRange(file, i * CHUNK, (i + 1) * CHUNK);
      }
      kind = "file";
    }
    byte[] r = new byte[CHUNK];
    new Random(42).nextBytes(r);
    byte[][] random = {r};

    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Mac hmac = Mac.getInstance("HmacSHA256");
    hmac.init(new SecretKeySpec(key, "HmacSHA256"));
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    ZstdCompressCtx z1 = new ZstdCompressCtx();
    z1.setLevel(1);
    ZstdCompressCtx z3 = new ZstdCompressCtx();
    z3.setLevel(3);
    byte[] zout = new byte[CHUNK + 1024];
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    SecretKeySpec aes = new SecretKeySpec(key, "AES");
    byte[] nonce = new byte[12];
    byte[] copy = new byte[CHUNK];

    System.out.printf(
        Locale.ROOT,
        "java %s, %s, %d MiB per stage, 256 KiB chunks, one thread%n",
        System.getProperty("java.version"),
        System.getProperty("os.arch"),
        mib);
    System.out.printf(Locale.ROOT, "%-16s %14s %14s%n", "stage", kind + " MiB/s", "random MiB/s");
    measure("hmac-sha256", mib, pgbench, random, c -> hmac.doFinal(c));
    measure("sha-256", mib, pgbench, random, c -> sha.digest(c));
    measure("zstd-1", mib, pgbench, random, c -> z1.compressByteArray(zout, 0, zout.length, c, 0, c.length));
    measure("zstd-3", mib, pgbench, random, c -> z3.compressByteArray(zout, 0, zout.length, c, 0, c.length));
    measure(
        "aes-256-gcm",
        mib,
        pgbench,
        random,
        c -> {
          nonce[0]++;
          gcm.init(Cipher.ENCRYPT_MODE, aes, new GCMParameterSpec(128, nonce));
          gcm.doFinal(c);
        });
    measure(
        "crc32c",
        mib,
        pgbench,
        random,
        c -> {
          CRC32C crc = new CRC32C();
          crc.update(c);
        });
    measure("array copy", mib, pgbench, random, c -> System.arraycopy(c, 0, copy, 0, c.length));
    long packed = 0;
    for (byte[] c : pgbench) {
      packed += z3.compressByteArray(zout, 0, zout.length, c, 0, CHUNK);
    }
    System.out.printf(
        Locale.ROOT,
        "zstd-3 ratio: %s %.1fx, random %.2fx%n",
        kind,
        (double) CHUNK * pgbench.length / packed,
        (double) CHUNK / z3.compressByteArray(zout, 0, zout.length, r, 0, CHUNK));
  }

  private static void measure(String name, int mib, byte[][] a, byte[][] b, Stage s)
      throws Exception {
    System.out.printf(Locale.ROOT, "%-16s %14.0f %14.0f%n", name, speed(mib, a, s), speed(mib, b, s));
  }

  private static double speed(int mib, byte[][] chunks, Stage s) throws Exception {
    int n = mib * 4;
    for (int i = 0; i < Math.max(n / 4, 400); i++) {
      s.run(chunks[i % chunks.length]); // warm-up: JIT and intrinsics
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      s.run(chunks[i % chunks.length]);
    }
    return mib / ((System.nanoTime() - t0) / 1e9);
  }

  /** 32 heap pages shaped like pgbench_accounts: 61 tuples of (aid, bid, abalance, 84 blanks). */
  private static byte[] pgbenchLikeChunk() {
    ByteBuffer b = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    int aid = 1;
    for (int page = 0; page < CHUNK / 8192; page++) {
      int base = page * 8192;
      b.putLong(base, 0x1_0000_0000L + page); // pd_lsn
      b.putShort(base + 12, (short) (24 + 61 * 4));
      b.putShort(base + 14, (short) (8192 - 61 * 128));
      for (int t = 0; t < 61; t++) {
        int off = 8192 - (t + 1) * 128;
        b.putInt(base + 24 + t * 4, (off & 0x7fff) | (1 << 15) | (121 << 17)); // line pointer
        b.putInt(base + off, 733); // xmin
        b.putShort(base + off + 18, (short) 4); // natts
        b.put(base + off + 22, (byte) 24); // t_hoff
        b.putInt(base + off + 24, aid++);
        b.putInt(base + off + 28, 1 + aid / 100000);
        b.putInt(base + off + 32, 0);
        for (int i = 0; i < 84; i++) {
          b.put(base + off + 37 + i, (byte) ' ');
        }
      }
    }
    return b.array();
  }
}

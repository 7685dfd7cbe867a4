package org.pghardstorage.core.restore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether another OS user can read a file, by POSIX permission bits: every directory on the way
 * must let them search it, and the file itself read it. The owner's bits apply to the owner, the
 * group's to members of the file's group, the others' to everyone else; root reads everything.
 * Accounts and groups come from {@code /etc/passwd} and {@code /etc/group}. Access control lists
 * are not evaluated (they can only grant more); a user these files do not know is not judged.
 */
final class OsAccess {
  /** An OS account: its uid and every group it is in. */
  record Account(String name, int uid, Set<Integer> groups) {}

  private final Path passwd;
  private final Path group;

  OsAccess(Path passwd, Path group) {
    this.passwd = passwd;
    this.group = group;
  }

  /** This host's accounts. */
  static OsAccess ofHost() {
    return new OsAccess(Path.of("/etc/passwd"), Path.of("/etc/group"));
  }

  /** The account named {@code user}, if the account files know it. */
  Optional<Account> account(String user) {
    try {
      for (String line : Files.readAllLines(passwd, StandardCharsets.UTF_8)) {
        String[] f = line.split(":", -1);
        if (f.length >= 4 && f[0].equals(user)) {
          Set<Integer> groups = new HashSet<>();
          groups.add(Integer.parseInt(f[3]));
          for (String g : Files.readAllLines(group, StandardCharsets.UTF_8)) {
            String[] gf = g.split(":", -1);
            if (gf.length >= 4 && List.of(gf[3].split(",")).contains(user)) {
              groups.add(Integer.parseInt(gf[2]));
            }
          }
          return Optional.of(new Account(user, Integer.parseInt(f[2]), groups));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // unreadable or odd account files: the user is not judged
    }
    return Optional.empty();
  }

  /**
   * Why {@code account} cannot read {@code path} (a file, or a directory it must list), or empty if
   * it can. Links are resolved first; a path that does not exist is a reason too.
   */
  Optional<String> whyUnreadable(Path path, Account account) {
    Path real;
    try {
      real = path.toRealPath();
    } catch (IOException e) {
      return Optional.of(path + " does not exist or cannot be resolved (" + e.getMessage() + ")");
    }
    if (account.uid() == 0) {
      return Optional.empty();
    }
    try {
      for (Path dir = real.getParent(); dir != null; dir = dir.getParent()) {
        if (!allowed(dir, account, 1)) {
          return Optional.of(account.name() + " may not enter " + dir + " (" + describe(dir) + ")");
        }
      }
      boolean directory = Files.isDirectory(real);
      if (!allowed(real, account, 4) || (directory && !allowed(real, account, 1))) {
        return Optional.of(account.name() + " may not read " + real + " (" + describe(real) + ")");
      }
      return Optional.empty();
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.of("cannot read the permissions of " + real + ": " + e.getMessage());
    }
  }

  /** Whether the owner, group or other bits that apply to {@code account} include {@code bit}. */
  private static boolean allowed(Path p, Account account, int bit) throws IOException {
    int mode = (Integer) Files.getAttribute(p, "unix:mode");
    int uid = (Integer) Files.getAttribute(p, "unix:uid");
    int gid = (Integer) Files.getAttribute(p, "unix:gid");
    if (account.uid() == uid) {
      return ((mode >> 6) & bit) != 0;
    }
    if (account.groups().contains(gid)) {
      return ((mode >> 3) & bit) != 0;
    }
    return (mode & bit) != 0;
  }

  private static String describe(Path p) throws IOException {
    int mode = (Integer) Files.getAttribute(p, "unix:mode");
    return String.format(
        "mode %04o, owner uid %s, group gid %s",
        mode & 07777, Files.getAttribute(p, "unix:uid"), Files.getAttribute(p, "unix:gid"));
  }
}

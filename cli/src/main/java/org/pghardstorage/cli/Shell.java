package org.pghardstorage.cli;

/** POSIX shell quoting for commands we write for other programs to run. */
final class Shell {
  private Shell() {}

  /** {@code s} as one shell word: bare if it is plainly safe, else single-quoted. */
  static String quote(String s) {
    return org.pghardstorage.core.restore.RestoreCommands.quote(s);
  }
}

package org.pghardstorage.core.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The writes and flushes of {@link FileSystemObjectStore}, behind a seam so tests can simulate a
 * full, read-only or failing disk without privileges (mounting a tiny tmpfs needs root, which CI
 * does not grant). Production code always uses {@link #DEFAULT}.
 */
interface FileIo {
  /** Plain {@link FileChannel} writes and {@code force(true)}. */
  FileIo DEFAULT =
      new FileIo() {
        @Override
        public void write(FileChannel channel, ByteBuffer data, Path file) throws IOException {
          while (data.hasRemaining()) {
            channel.write(data);
          }
        }

        @Override
        public void force(FileChannel channel, Path fileOrDirectory) throws IOException {
          channel.force(true);
        }
      };

  /**
   * Writes all remaining bytes of {@code data} to {@code channel}, which is open on {@code file}.
   */
  void write(FileChannel channel, ByteBuffer data, Path file) throws IOException;

  /** Flushes {@code channel} (a file or a directory) to stable storage, metadata included. */
  void force(FileChannel channel, Path fileOrDirectory) throws IOException;
}

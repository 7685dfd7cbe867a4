package org.pghardstorage.core.repo.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a file entry is. */
public enum FileType {
  /** A regular file; it has chunks and a CRC32C. */
  @JsonProperty("file")
  FILE,
  /** A directory. */
  @JsonProperty("dir")
  DIR,
  /** A symbolic link; it has a link target. */
  @JsonProperty("symlink")
  SYMLINK
}

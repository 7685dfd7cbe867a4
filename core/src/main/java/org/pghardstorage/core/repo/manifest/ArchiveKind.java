package org.pghardstorage.core.repo.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which part of the cluster an archive holds. */
public enum ArchiveKind {
  /** The data directory. */
  @JsonProperty("base")
  BASE,
  /** One tablespace's directory. */
  @JsonProperty("tablespace")
  TABLESPACE
}

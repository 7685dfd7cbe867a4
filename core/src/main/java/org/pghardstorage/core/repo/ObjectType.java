package org.pghardstorage.core.repo;

/** The object type byte of a sealed object's header (format spec §7.3). */
enum ObjectType {
  MANIFEST(1),
  INDEX(2),
  WAL_SEGMENT(3),
  WAL_PARTIAL(4),
  TIMELINE_HISTORY(5),
  POSTGRES_BACKUP_MANIFEST(6),
  VERIFICATION(7);

  private final int code;

  ObjectType(int code) {
    this.code = code;
  }

  int code() {
    return code;
  }
}

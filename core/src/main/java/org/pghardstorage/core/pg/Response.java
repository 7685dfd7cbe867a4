package org.pghardstorage.core.pg;

/** One step of a simple-query exchange, as seen by {@link PgConnection#nextResponse()}. */
sealed interface Response {
  /** A complete result set or command completion. */
  record Result(QueryResult result) implements Response {}

  /**
   * The server entered COPY OUT ({@code 'H'}), COPY BOTH ({@code 'W'}) or, for {@link
   * PgConnection#copyIn}, COPY IN ({@code 'G'}) mode.
   */
  record CopyStarted(byte messageType) implements Response {}

  /** ReadyForQuery: the exchange is over. */
  record Ready() implements Response {}
}

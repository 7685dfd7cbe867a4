package org.pghardstorage.cli.init;

/**
 * One thing detection tried, and what came of it, for the operator to read.
 *
 * @param tried what was tried, e.g. {@code 127.0.0.1:5432 as postgres}
 * @param outcome what happened, e.g. {@code connected} or the server's refusal
 */
public record Attempt(String tried, String outcome) {
  @Override
  public String toString() {
    return tried + ": " + outcome;
  }
}

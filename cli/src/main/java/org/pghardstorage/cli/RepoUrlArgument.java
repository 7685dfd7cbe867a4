package org.pghardstorage.cli;

import picocli.CommandLine.Parameters;

/**
 * The repository URL as the optional positional argument of the {@code repo} subcommands, so that
 * {@code repo info URL} works as {@code repo info --repo URL} does.
 */
final class RepoUrlArgument {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "URL",
      description =
          "The repository, as with --repo URL (giving both is an error unless they agree).")
  String url;

  /** {@code options} with this argument applied; see {@link RepoOptions#withPositionalUrl}. */
  RepoOptions applyTo(RepoOptions options) {
    return options.withPositionalUrl(url);
  }
}

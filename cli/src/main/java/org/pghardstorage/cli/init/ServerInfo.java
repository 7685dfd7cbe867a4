package org.pghardstorage.cli.init;

/**
 * What a successful connection learnt about the server.
 *
 * @param version the server version, e.g. {@code 16.4}
 * @param versionNum {@code server_version_num}, e.g. {@code 160004}
 * @param systemIdentifier the cluster's system identifier
 */
public record ServerInfo(String version, int versionNum, String systemIdentifier) {}

package org.pghardstorage.cli.init;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The result document of {@code pg_hardstorage init}.
 *
 * @param deployment the deployment configured
 * @param connection its connection settings, without password
 * @param postgresVersion the server's version
 * @param repository the repository URL
 * @param repositoryCreated whether init created it (false: an existing one is used)
 * @param existingDeployment whether the deployment already protected this server in the repository
 *     (the same database system), and init reused it
 * @param configFile the configuration file written
 * @param passwordFile the password file written, if any
 * @param backup the first backup, as {@code backup} prints it; absent if not taken
 * @param detection what was tried to find the server
 * @param nextSteps what to do next, as commands and notes
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InitResult(
    String deployment,
    String connection,
    @JsonProperty("postgres_version") String postgresVersion,
    String repository,
    @JsonProperty("repository_created") boolean repositoryCreated,
    @JsonProperty("existing_deployment") boolean existingDeployment,
    @JsonProperty("config_file") String configFile,
    @JsonProperty("password_file") String passwordFile,
    Map<String, Object> backup,
    List<Attempt> detection,
    @JsonProperty("next_steps") List<String> nextSteps) {}

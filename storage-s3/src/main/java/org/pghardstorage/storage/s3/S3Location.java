package org.pghardstorage.storage.s3;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where an {@code s3://} repository lives: {@code s3://BUCKET[/PREFIX][?OPTIONS]}. Options: {@code
 * region} (default: the SDK's region chain, {@code AWS_REGION} or the profile's), {@code endpoint}
 * (an S3-compatible service such as MinIO or Ceph RGW, {@code https://host:port}), {@code
 * path_style=true} (bucket in the path instead of the host name, which most S3-compatible services
 * need), {@code profile} (a named profile of {@code ~/.aws/config}) and {@code credentials_file}
 * (an AWS credentials file, absolute path, read with {@code profile} or {@code default}).
 * Credentials never appear in the URL: they come from that file or from the SDK's default chain
 * (environment, profile, web identity, container or instance role). A credentials file suits {@code
 * restore_command}, which PostgreSQL runs as its own OS user with its own environment: make the
 * file readable by that user (for example {@code 0640 root:postgres}).
 *
 * @param bucket the bucket, which must exist
 * @param prefix the key prefix below which the repository lives, empty or ending in {@code /}
 * @param region the region, if given
 * @param endpoint the endpoint of an S3-compatible service, if given
 * @param pathStyle whether to address the bucket in the path
 * @param profile the AWS profile, if given
 * @param credentialsFile an AWS credentials file to read, if given
 */
public record S3Location(
    String bucket,
    String prefix,
    Optional<String> region,
    Optional<URI> endpoint,
    boolean pathStyle,
    Optional<String> profile,
    Optional<java.nio.file.Path> credentialsFile) {

  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Set<String> OPTIONS =
      Set.of("region", "endpoint", "path_style", "profile", "credentials_file");
  private static final String FORM = "s3://BUCKET[/PREFIX][?region=R&endpoint=URL&path_style=true]";

  /**
   * Parses an {@code s3://} URL.
   *
   * @throws IllegalArgumentException naming the URL, what is wrong and the expected form
   */
  public static S3Location parse(URI url) {
    if (url.isOpaque() || url.getRawAuthority() == null) {
      throw bad(url, "it has no bucket");
    }
    if (url.getRawUserInfo() != null) {
      throw bad(
          url,
          "it carries credentials; they never go into a URL: set AWS_ACCESS_KEY_ID and"
              + " AWS_SECRET_ACCESS_KEY, a profile, or a role");
    }
    String bucket = url.getHost() != null ? url.getHost() : url.getRawAuthority();
    if (!BUCKET.matcher(bucket).matches() || url.getPort() != -1) {
      throw bad(url, "'" + url.getRawAuthority() + "' is not a bucket name");
    }
    if (url.getFragment() != null) {
      throw bad(url, "it has a fragment");
    }
    String path = url.getPath() == null ? "" : url.getPath();
    String prefix = path.replaceAll("^/+", "").replaceAll("/+$", "");
    if (!prefix.isEmpty()) {
      if (prefix.contains("//") || !prefix.matches("[A-Za-z0-9._/-]+")) {
        throw bad(
            url, "the prefix '" + prefix + "' may use only letters, digits, '.', '_', '-', '/'");
      }
      prefix = prefix + "/";
    }
    Map<String, String> options = query(url);
    Optional<URI> endpoint =
        Optional.ofNullable(options.get("endpoint")).map(e -> endpoint(url, e));
    String pathStyle = options.getOrDefault("path_style", "false");
    if (!pathStyle.equals("true") && !pathStyle.equals("false")) {
      throw bad(url, "path_style must be true or false");
    }
    Optional<java.nio.file.Path> credentialsFile =
        Optional.ofNullable(options.get("credentials_file")).map(java.nio.file.Path::of);
    if (credentialsFile.isPresent() && !credentialsFile.get().isAbsolute()) {
      throw bad(url, "credentials_file must be an absolute path");
    }
    return new S3Location(
        bucket,
        prefix,
        Optional.ofNullable(options.get("region")),
        endpoint,
        pathStyle.equals("true"),
        Optional.ofNullable(options.get("profile")),
        credentialsFile);
  }

  /** The location for messages and logs: the URL without anything secret (it holds none). */
  public String describe() {
    return "s3://"
        + bucket
        + "/"
        + prefix
        + endpoint.map(e -> " at " + e).orElse("")
        + region.map(r -> " (" + r + ")").orElse("");
  }

  private static Map<String, String> query(URI url) {
    Map<String, String> options = new LinkedHashMap<>();
    if (url.getRawQuery() == null || url.getRawQuery().isEmpty()) {
      return options;
    }
    for (String pair : url.getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (!OPTIONS.contains(name)) {
        throw bad(
            url,
            "unknown option '"
                + name
                + "' (known: region, endpoint, path_style, profile, credentials_file)");
      }
      if (value.isEmpty()) {
        throw bad(url, "option '" + name + "' has no value");
      }
      if (options.put(name, value) != null) {
        throw bad(url, "option '" + name + "' is given twice");
      }
    }
    return options;
  }

  private static URI endpoint(URI url, String value) {
    URI e;
    try {
      e = URI.create(value);
    } catch (IllegalArgumentException ex) {
      throw bad(url, "endpoint '" + value + "' is not a URL");
    }
    if (!"https".equals(e.getScheme()) && !"http".equals(e.getScheme()) || e.getHost() == null) {
      throw bad(url, "endpoint '" + value + "' must be http(s)://host[:port]");
    }
    return e;
  }

  private static IllegalArgumentException bad(URI url, String why) {
    // the caller names the URL (with any credentials in it masked)
    return new IllegalArgumentException(why + "; use " + FORM);
  }
}

package org.pghardstorage.ejb.token;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.pghardstorage.core.error.ExitCode;
import org.pghardstorage.core.error.HardstorageException;
import org.pghardstorage.ejb.event.EventLog;
import org.pghardstorage.persistence.entity.ApiTokenEntity;

/**
 * API tokens for machine clients ({@code Authorization: Bearer <token>}). A token is 32 random
 * bytes shown once at creation; the catalogue keeps only its SHA-256, so a leaked catalogue does
 * not leak credentials. Each token carries one role.
 */
@Stateless
public class TokenService {
  private static final Set<String> ROLES = Set.of("viewer", "operator", "admin");
  private static final String PREFIX = "pghs_";
  private static final SecureRandom RANDOM = new SecureRandom();

  @PersistenceContext(unitName = "catalogue")
  private EntityManager em;

  @EJB private EventLog events;

  /**
   * A token as listed: never its secret.
   *
   * @param name its name
   * @param role its role
   * @param createdBy who created it
   * @param createdAt when
   * @param lastUsedAt when it last authenticated a request
   * @param revokedAt when it was revoked, if it was
   */
  public record TokenView(
      String name,
      String role,
      String createdBy,
      String createdAt,
      String lastUsedAt,
      String revokedAt) {
    static TokenView of(ApiTokenEntity t) {
      return new TokenView(
          t.getName(),
          t.getRole(),
          t.getCreatedBy(),
          t.getCreatedAt().toString(),
          t.getLastUsedAt() == null ? null : t.getLastUsedAt().toString(),
          t.getRevokedAt() == null ? null : t.getRevokedAt().toString());
    }
  }

  /**
   * A new token with its secret, which is shown this once.
   *
   * @param name its name
   * @param role its role
   * @param token the secret to send as {@code Authorization: Bearer <token>}
   */
  public record NewToken(String name, String role, String token) {}

  /**
   * Who a token authenticates.
   *
   * @param name the token's name (the principal's name is {@code token:<name>})
   * @param role its role
   */
  public record Caller(String name, String role) {}

  /** Creates a token. */
  public NewToken create(String name, String role, String actor) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
      throw new HardstorageException(
          "token.bad_name",
          ExitCode.USAGE,
          "token name '" + name + "' is not valid",
          "use 1-63 letters, digits, '.', '_' or '-'");
    }
    if (!ROLES.contains(role)) {
      throw new HardstorageException(
          "token.bad_role", ExitCode.USAGE, "no role '" + role + "'", "use one of " + ROLES);
    }
    if (!em.createNamedQuery(ApiTokenEntity.ALL, ApiTokenEntity.class)
        .getResultStream()
        .filter(t -> t.getName().equals(name))
        .toList()
        .isEmpty()) {
      throw new HardstorageException(
          "token.exists",
          ExitCode.CONFLICT,
          "a token named '" + name + "' exists",
          "revoke it first or choose another name");
    }
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    em.persist(new ApiTokenEntity(name, sha256(token), role, actor));
    events.record(null, "token.created", "info", actor, "API token '" + name + "' (" + role + ")");
    return new NewToken(name, role, token);
  }

  /** Every token, revoked ones too. */
  public List<TokenView> list() {
    return em.createNamedQuery(ApiTokenEntity.ALL, ApiTokenEntity.class)
        .getResultStream()
        .map(TokenView::of)
        .toList();
  }

  /** Revokes a token; it stops authenticating at once. */
  public void revoke(String name, String actor) {
    ApiTokenEntity t =
        em.createNamedQuery(ApiTokenEntity.ALL, ApiTokenEntity.class)
            .getResultStream()
            .filter(x -> x.getName().equals(name) && x.getRevokedAt() == null)
            .findFirst()
            .orElseThrow(
                () ->
                    new HardstorageException(
                        "token.not_found",
                        ExitCode.NOT_FOUND,
                        "no live token named '" + name + "'",
                        "list them with GET /api/v1/tokens"));
    t.revoke();
    events.record(null, "token.revoked", "warning", actor, "API token '" + name + "' revoked");
  }

  /** Who {@code token} authenticates, if it is a live token. */
  public Optional<Caller> authenticate(String token) {
    if (token == null || !token.startsWith(PREFIX)) {
      return Optional.empty();
    }
    return em.createNamedQuery(ApiTokenEntity.BY_HASH, ApiTokenEntity.class)
        .setParameter("hash", sha256(token))
        .getResultStream()
        .findFirst()
        .map(
            t -> {
              t.used();
              return new Caller(t.getName(), t.getRole());
            });
  }

  static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}

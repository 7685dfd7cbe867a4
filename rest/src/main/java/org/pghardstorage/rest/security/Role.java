package org.pghardstorage.rest.security;

/**
 * The product's roles, each including the ones below it: an admin may do what an operator may, an
 * operator what a viewer may.
 */
public enum Role {
  VIEWER("viewer"),
  OPERATOR("operator"),
  ADMIN("admin");

  private final String roleName;

  Role(String roleName) {
    this.roleName = roleName;
  }

  /** The role name used in deployment descriptors and the realm's groups. */
  public String roleName() {
    return roleName;
  }

  /** Role names that satisfy a requirement for {@code this} role. */
  public java.util.List<String> satisfiedBy() {
    return java.util.Arrays.stream(values())
        .filter(r -> r.ordinal() >= ordinal())
        .map(Role::roleName)
        .toList();
  }
}

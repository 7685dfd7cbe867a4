package org.pghardstorage.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The header names the realm groups the user holds, as the REST API's role checks see them. */
class SessionViewTest {
  @Test
  void rolesAreTheRealmGroupsTheUserHoldsLeastPowerfulFirst() {
    assertThat(SessionView.rolesOf(Set.of("admin", "viewer", "operator")::contains))
        .containsExactly("viewer", "operator", "admin");
    assertThat(SessionView.rolesOf(Set.of("viewer", "unrelated")::contains))
        .containsExactly("viewer");
    assertThat(SessionView.rolesOf(r -> false)).isEmpty();
  }
}

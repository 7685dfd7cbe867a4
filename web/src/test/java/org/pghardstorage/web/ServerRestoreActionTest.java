package org.pghardstorage.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What counts as a request to restore on the server, and what a refused user is told. */
class ServerRestoreActionTest {
  @Test
  void aPostOfTheConfirmationOrOfThePlannersServerButtonIsARequestToAct() {
    assertThat(ServerRestoreAction.posts(Map.of("restore-confirm", "restore-confirm"))).isTrue();
    assertThat(ServerRestoreAction.posts(Map.of("restore-confirm:restore", "Restore")))
        .as("a forged post naming only the button")
        .isTrue();
    assertThat(ServerRestoreAction.posts(Map.of("planner", "planner", "planner:plan-server", "x")))
        .isTrue();
    assertThat(ServerRestoreAction.posts(Map.of("planner", "planner", "planner:plan", "Plan")))
        .as("planning for another host is open to every user")
        .isFalse();
    assertThat(ServerRestoreAction.posts(Map.of("restore-confirmX", "x"))).isFalse();
  }

  @Test
  void theRefusalNamesTheUserAndTheRoleNeeded() {
    assertThat(ServerRestoreAction.refusal("viewer"))
        .isEqualTo(
            "Not allowed: restoring on the server needs the operator or admin role, and viewer"
                + " has neither. Nothing was planned or restored.");
  }
}

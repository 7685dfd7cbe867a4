package org.pghardstorage.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pghardstorage.ejb.job.JobRunView;

/** Who may start jobs from the console, what counts as a post of the actions, what is said. */
class JobActionsTest {
  @Test
  void onlyAnOperatorOrAnAdminMayAct() {
    assertThat(SessionView.mayAct(Set.of("viewer", "operator")::contains)).isTrue();
    assertThat(SessionView.mayAct(Set.of("admin")::contains)).isTrue();
    assertThat(SessionView.mayAct(Set.of("viewer")::contains)).isFalse();
    assertThat(SessionView.mayAct(r -> false)).isFalse();
  }

  @Test
  void aPostOfTheActionsFormOrOfOneOfItsButtonsIsARequestToAct() {
    assertThat(JobActions.postsActions(Map.of("actions", "actions", "name", "db1"))).isTrue();
    assertThat(JobActions.postsActions(Map.of("actions:start-backup", "Start base backup")))
        .as("a forged post naming only the button")
        .isTrue();
    assertThat(JobActions.postsActions(Map.of("logout", "logout", "logout:sign-out", "Sign out")))
        .isFalse();
    assertThat(JobActions.postsActions(Map.of("actionsX", "x"))).isFalse();
  }

  @Test
  void aPostOfTheRotationOrStreamerFormIsARequestToActButARefreshIsNot() {
    assertThat(JobActions.postedForm(Map.of("rotation:apply", "Apply this plan")))
        .contains("rotation");
    assertThat(JobActions.postedForm(Map.of("streamer", "streamer", "streamer:stop", "Stop")))
        .contains("streamer");
    assertThat(JobActions.postedForm(Map.of("live", "live", "live:refresh", "Refresh now")))
        .as("the page's own refresh, which a viewer may post")
        .isEmpty();
    assertThat(JobActions.streamerRefusal("viewer"))
        .startsWith("Not allowed")
        .contains("viewer")
        .endsWith("Nothing was changed.");
  }

  @Test
  void theRefusalNamesTheUserAndTheRoleNeededAndTheStartNamesTheRun() {
    assertThat(JobActions.refusal("viewer"))
        .startsWith("Not allowed")
        .contains("operator or admin role")
        .contains("viewer")
        .endsWith("Nothing was started.");
    JobRunView run =
        new JobRunView(
            17,
            170L,
            "base-backup",
            "db1",
            "operator",
            "console",
            "running",
            "2026-12-05T12:00:00Z",
            null,
            0,
            0,
            null,
            null,
            "host-a");
    assertThat(JobActions.started(run)).isEqualTo("base-backup started: job run 17 (running)");
  }
}

package org.pghardstorage.core.storage.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy =
      new RetryPolicy(8, Duration.ofMillis(100), Duration.ofMillis(1000));

  @Test
  void ceilingsDoubleUpToTheCap() {
    assertThat(policy.ceiling(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.ceiling(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.ceiling(3)).isEqualTo(Duration.ofMillis(400));
    assertThat(policy.ceiling(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(policy.ceiling(5)).isEqualTo(Duration.ofMillis(1000));
    assertThat(policy.ceiling(1_000)).isEqualTo(Duration.ofMillis(1000));
  }

  @Test
  void backoffIsInTheUpperHalfOfTheCeiling() {
    assertThat(policy.backoff(3, 0.0)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.backoff(3, 0.5)).isEqualTo(Duration.ofMillis(300));
    assertThat(policy.backoff(3, 0.999_999))
        .isBetween(Duration.ofMillis(399), Duration.ofMillis(400));
  }

  @Test
  void theNamedPoliciesUseTheSameFormulaWithoutALimitOnTries() {
    assertThat(RetryPolicy.STREAMER_RESTART.maxAttempts()).isEqualTo(Integer.MAX_VALUE);
    assertThat(RetryPolicy.STREAMER_RESTART.backoff(1, 0.0)).isEqualTo(Duration.ofMillis(2500));
    assertThat(RetryPolicy.STREAMER_RESTART.ceiling(64)).isEqualTo(Duration.ofMinutes(5));
    assertThat(RetryPolicy.LOCK_WAIT.backoff(1, 0.0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(RetryPolicy.LOCK_WAIT.ceiling(3)).isEqualTo(Duration.ofSeconds(5));
    for (int retry = 1; retry < 10; retry++) {
      assertThat(RetryPolicy.LOCK_WAIT.backoff(retry))
          .isBetween(
              RetryPolicy.LOCK_WAIT.ceiling(retry).dividedBy(2),
              RetryPolicy.LOCK_WAIT.ceiling(retry));
    }
  }

  @Test
  void badValuesAreRejectedNamingThem() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAttempts")
        .hasMessageContaining("was 0");
    assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofMillis(-1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT-0.001S");
    assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBackoff (PT1S)")
        .hasMessageContaining("initialBackoff (PT2S)");
    assertThatThrownBy(() -> policy.backoff(1, 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1.0");
  }
}

package org.pghardstorage.ejb.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pghardstorage.core.error.HardstorageException;

class PageTest {
  @Test
  void anExtraRowMeansANextPageWhoseCursorIsTheLastIdShown() {
    Page<Long> p = Page.of(List.of(9L, 7L, 4L), 2, Long::longValue);

    assertThat(p.items()).containsExactly(9L, 7L);
    assertThat(p.next()).isEqualTo("7");
    assertThat(Page.before(p.next())).isEqualTo(7L);
  }

  @Test
  void theLastPageHasNoCursor() {
    Page<Long> p = Page.of(List.of(3L, 1L), 2, Long::longValue);

    assertThat(p.items()).containsExactly(3L, 1L);
    assertThat(p.next()).isNull();
    assertThat(Page.before(null)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void limitsAreClampedAndForeignCursorsRefused() {
    assertThat(Page.limit(null)).isEqualTo(50);
    assertThat(Page.limit(0)).isEqualTo(1);
    assertThat(Page.limit(10_000)).isEqualTo(Page.MAX_LIMIT);
    assertThatThrownBy(() -> Page.before("abc"))
        .isInstanceOf(HardstorageException.class)
        .hasMessageContaining("'abc'");
  }
}

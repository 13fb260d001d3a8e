package io.burnrate.engine.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Severity and period kind: the enums and their names on the wire (which must not change). */
class WireNamesTest {

    @Test
    void shouldNameEverySeverityAndPeriodKindAsOnTheWire() {
        assertThat(List.of(Severity.values()).stream().map(Severity::wire)).containsExactly("page", "ticket");
        assertThat(Severity.ofWire("ticket")).isEqualTo(Severity.TICKET);
        assertThatThrownBy(() -> Severity.ofWire("Page")).hasMessage("severity must be page or ticket, not 'Page'");
        assertThat(List.of(PeriodKind.values()).stream().map(PeriodKind::label))
                .containsExactly("hour", "day", "week", "month", "rolling");
        assertThat(PeriodKind.DISPLAY_ORDER).containsExactlyInAnyOrder(PeriodKind.values());
        assertThat(PeriodKind.ofLabel("rolling")).isEqualTo(PeriodKind.ROLLING);
        assertThatThrownBy(() -> PeriodKind.ofLabel("year"))
                .hasMessage("period kind must be one of [hour, day, week, month, rolling], not 'year'");
        assertThatThrownBy(() -> new CalendarPeriod(PeriodKind.ROLLING, ZoneOffset.UTC))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

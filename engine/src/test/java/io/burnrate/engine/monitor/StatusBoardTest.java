package io.burnrate.engine.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.schemas.StatusSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status board's bounded history: the newest {@link StatusBoard#HISTORY} points, read back as they were put. */
class StatusBoardTest {

    private static final Instant T = Instant.parse("2026-03-02T10:00:00Z");

    /** A snapshot at T + k x 5 s whose window i burns at k + i / 10 and whose budget left is 1 - k / 1000. */
    private static StatusSnapshot snapshot(final int k, final int windows) {
        final List<StatusSnapshot.WindowStatus> ws = new ArrayList<>();
        for (int i = 0; i < windows; i++) {
            ws.add(new StatusSnapshot.WindowStatus(Duration.ofMinutes(5L * (i + 1)), 100, 1, 0.99, k + i / 10.0));
        }
        return new StatusSnapshot("api", "api", T.plusSeconds(5L * k), 99.9, Duration.ofDays(30), ws, 1 - k / 1000.0,
                null, List.of(), Map.of());
    }

    @Test
    void shouldKeepTheNewestPointsWithTheirBurnRates() {
        final StatusBoard board = new StatusBoard();
        for (int k = 0; k < 130; k++) {
            board.publish(snapshot(k, 8), 0, 0, new float[0]);
        }
        final List<StatusBoard.Point> h = board.get("api").history();
        // 130 published, 120 kept: k = 10 .. 129
        assertThat(h).hasSize(StatusBoard.HISTORY);
        assertThat(h.get(0).at()).isEqualTo(T.plusSeconds(50).toEpochMilli());
        assertThat(h.get(119).at()).isEqualTo(T.plusSeconds(5 * 129).toEpochMilli());
        assertThat(h.get(119).budgetRemaining()).isEqualTo((float) (1 - 129 / 1000.0));
        assertThat(h.get(0).burnRates()).containsExactly(10f, 10.1f, 10.2f, 10.3f, 10.4f, 10.5f, 10.6f, 10.7f);
        assertThat(h.get(119).burnRates()).hasSize(8).startsWith(129f, 129.1f);
    }

    @Test
    void shouldReplaceAPointAtTheSameTimeAndStartAgainWhenTheWindowsChange() {
        final StatusBoard board = new StatusBoard();
        board.publish(snapshot(0, 8), 0, 0, new float[0]);
        board.publish(snapshot(1, 8), 0, 0, new float[0]);
        final StatusSnapshot again = new StatusSnapshot("api", "api", T.plusSeconds(5), 99.9, Duration.ofDays(30),
                snapshot(7, 8).windows(), 0.5, null, List.of(), Map.of());
        board.publish(again, 0, 0, new float[0]);
        List<StatusBoard.Point> h = board.get("api").history();
        assertThat(h).extracting(StatusBoard.Point::budgetRemaining).containsExactly(1f, 0.5f);
        assertThat(h.get(1).burnRates()[0]).isEqualTo(7f);
        // the SLO was redefined with 3 windows: its history starts again
        board.publish(snapshot(2, 3), 0, 0, new float[0]);
        h = board.get("api").history();
        assertThat(h).hasSize(1);
        assertThat(h.get(0).burnRates()).containsExactly(2f, 2.1f, 2.2f);
    }
}

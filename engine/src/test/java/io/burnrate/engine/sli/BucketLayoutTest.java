package io.burnrate.engine.sli;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.slo.Durations;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BucketLayoutTest {

    @ParameterizedTest(name = "{0} is served by {1} buckets")
    @CsvSource({
        "5m, 1s", "30m, 5s", "1h, 5s", "2h, 1m", "6h, 1m", "1d, 10m", "3d, 10m", "7d, 1h", "28d, 1h", "30d, 1h",
    })
    void shouldServeEachWindowWithBucketsAtMostASixtiethOfIt(final String window, final String resolution) {
        final Duration w = Durations.parse(window);
        final long r = BucketLayout.resolutionFor(w);
        assertThat(Durations.format(Duration.ofMillis(r))).isEqualTo(resolution);
        assertThat(r * 60).isLessThanOrEqualTo(w.toMillis());
    }

    @Test
    void shouldBoundTheGoogle30dLayout() {
        final BucketLayout layout = BucketLayout.of(List.of(Durations.parse("5m"), Durations.parse("30m"),
                Durations.parse("1h"), Durations.parse("2h"), Durations.parse("6h"), Durations.parse("1d"),
                Durations.parse("3d"), Durations.parse("30d")));
        // 1s x 300 (5m) + 5s x 720 (1h) + 1m x 360 (6h) + 10m x 432 (3d) + 1h x 720 (30d)
        assertThat(layout.totalBuckets()).isEqualTo(300 + 720 + 360 + 432 + 720);
    }
}

package io.burnrate.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScalingPointTest {

    @Test
    void pointsNameSlosServicesAndHeap() {
        assertThat(ScalingBench.Point.parse("10000", 1)).isEqualTo(new ScalingBench.Point("10,000", 10_000, 10_000,
                null));
        // 1,000 services × 10 SLOs each = 10,000 SLOs
        assertThat(ScalingBench.Point.parse("1000x10", 1)).isEqualTo(new ScalingBench.Point("1,000 × 10", 10_000,
                1_000, null));
        assertThat(ScalingBench.Point.parse("100000@2g", 1)).isEqualTo(new ScalingBench.Point("100,000", 100_000,
                100_000, "2g"));
        // --scaling-slos-per-service 10: 1,000 SLOs over ceil(1,000 / 10) = 100 services
        assertThat(ScalingBench.Point.parse("1000", 10)).isEqualTo(new ScalingBench.Point("100 × 10", 1_000, 100,
                null));
    }

    @Test
    void aMalformedPointIsRejectedWithTheSyntax() {
        assertThatThrownBy(() -> ScalingBench.Point.parse("10k", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'10k'").hasMessageContaining("SxN");
        assertThatThrownBy(() -> ScalingBench.Point.parse("0x5", 1)).isInstanceOf(IllegalArgumentException.class);
    }
}

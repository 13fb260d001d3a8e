package io.burnrate.engine.slo;

import java.math.BigDecimal;

/** Numbers as a spec writes them. */
public final class Numbers {

    private Numbers() {
    }

    /** Shortest exact decimal form: 99.9, 14.4, 0.95, 50 (not 50.0). */
    public static String plain(final double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}

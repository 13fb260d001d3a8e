package io.burnrate.engine.slo;

import io.burnrate.schemas.ComplianceSummary;
import java.util.Arrays;
import java.util.List;

/**
 * What a compliance period is: a calendar hour, day, ISO week or month ({@link CalendarPeriod}),
 * or the {@link #ROLLING} window that ends at a summary's time. {@link #label()} is the
 * summary's {@code period.kind} on the wire.
 */
public enum PeriodKind {
    HOUR(ComplianceSummary.HOUR),
    DAY(ComplianceSummary.DAY),
    WEEK(ComplianceSummary.WEEK),
    MONTH(ComplianceSummary.MONTH),
    ROLLING(ComplianceSummary.ROLLING);

    /** The order reports and the status page list an SLO's periods in: longest first, the rolling window after week. */
    public static final List<PeriodKind> DISPLAY_ORDER = List.of(MONTH, WEEK, ROLLING, DAY, HOUR);

    private final String label;

    PeriodKind(final String label) {
        this.label = label;
    }

    /** {@code hour}, {@code day}, {@code week}, {@code month} or {@code rolling}. */
    public String label() {
        return label;
    }

    /**
     * The kind labelled {@code label} on the wire.
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static PeriodKind ofLabel(final String label) {
        for (final PeriodKind k : values()) {
            if (k.label.equals(label)) {
                return k;
            }
        }
        throw new IllegalArgumentException("period kind must be one of "
                + Arrays.stream(values()).map(PeriodKind::label).toList() + ", not '" + label + "'");
    }

    /** Where {@code label} (a summary's {@code period.kind}) comes in {@link #DISPLAY_ORDER}; -1 for no kind. */
    public static int displayRank(final String label) {
        for (int i = 0; i < DISPLAY_ORDER.size(); i++) {
            if (DISPLAY_ORDER.get(i).label.equals(label)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return label;
    }
}

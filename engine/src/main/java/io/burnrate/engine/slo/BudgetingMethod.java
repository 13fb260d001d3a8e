package io.burnrate.engine.slo;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * How an SLO's attainment is counted (OpenSLO's {@code budgetingMethod}).
 *
 * <ul>
 *   <li>{@link Occurrences} (the default): attainment = good events / all events; the
 *       error budget counts events.</li>
 *   <li>{@link Timeslices}: a slice (default 1 minute) is good when its good/total ratio
 *       meets {@code timeSliceTarget}; attainment = good slices / slices with traffic; the
 *       error budget counts slices.</li>
 *   <li>{@link RatioTimeslices}: attainment = the mean, over slices with traffic, of each
 *       slice's good/total ratio; the error budget counts slices, a slice consuming its
 *       bad ratio (allowed = slices x (1 - objective), consumed = the sum of bad ratios).</li>
 * </ul>
 */
public sealed interface BudgetingMethod {

    /** The time slice of a Timeslices SLO unless it says otherwise. */
    Duration DEFAULT_SLICE = Duration.ofMinutes(1);

    /** The default method. */
    BudgetingMethod OCCURRENCES = new Occurrences();

    /** OpenSLO's name: {@code Occurrences}, {@code Timeslices} or {@code RatioTimeslices}. */
    String openSloName();

    /** good events / all events. */
    record Occurrences() implements BudgetingMethod {
        @Override
        public String openSloName() {
            return "Occurrences";
        }
    }

    /**
     * @param timeSliceTarget good fraction a slice must reach, in (0, 1], as written (e.g. 0.95)
     * @param timeSliceWindow slice length, dividing 15 minutes (default 1m)
     */
    record Timeslices(BigDecimal timeSliceTarget, Duration timeSliceWindow) implements BudgetingMethod {

        /**
         * Slices must divide 15 minutes: every zone's offset is a multiple of 15 minutes, so
         * such slices nest in local hours, and hours add up to days and months exactly.
         */
        static final long MAX_SLICE_MS = 900_000L;

        public Timeslices {
            Objects.requireNonNull(timeSliceTarget, "timeSliceTarget");
            Objects.requireNonNull(timeSliceWindow, "timeSliceWindow");
            if (timeSliceTarget.signum() <= 0 || timeSliceTarget.compareTo(BigDecimal.ONE) > 0) {
                throw new IllegalArgumentException("timeSliceTarget must be in (0, 1], not " + timeSliceTarget);
            }
            final long ms = timeSliceWindow.toMillis();
            if (ms < 1000 || MAX_SLICE_MS % ms != 0) {
                throw new IllegalArgumentException("timeSliceWindow must be at least 1s and divide 15m (1m, 5m, "
                        + "15m, ...), so that slices never straddle an hour in any time zone; not "
                        + Durations.format(timeSliceWindow));
            }
        }

        /** 1-minute slices. */
        public Timeslices(final double timeSliceTarget) {
            this(BigDecimal.valueOf(timeSliceTarget), DEFAULT_SLICE);
        }

        @Override
        public String openSloName() {
            return "Timeslices";
        }
    }

    /** @param timeSliceWindow slice length, dividing 15 minutes (default 1m) */
    record RatioTimeslices(Duration timeSliceWindow) implements BudgetingMethod {

        public RatioTimeslices {
            Objects.requireNonNull(timeSliceWindow, "timeSliceWindow");
            final long ms = timeSliceWindow.toMillis();
            if (ms < 1000 || Timeslices.MAX_SLICE_MS % ms != 0) {
                throw new IllegalArgumentException("timeSliceWindow must be at least 1s and divide 15m (1m, 5m, "
                        + "15m, ...), so that slices never straddle an hour in any time zone; not "
                        + Durations.format(timeSliceWindow));
            }
        }

        @Override
        public String openSloName() {
            return "RatioTimeslices";
        }
    }
}

package io.burnrate.engine.slo.v1;

import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.BudgetAdjustment;
import io.burnrate.engine.slo.BudgetThreshold;
import io.burnrate.engine.slo.BudgetingMethod;
import io.burnrate.engine.slo.CalendarPeriod;
import io.burnrate.engine.slo.Indicator;
import io.burnrate.engine.slo.NoDataAlert;
import io.burnrate.engine.slo.PeriodKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One {@code apiVersion: burnrate/v1, kind: SLO} document as {@link V1Reader} read it,
 * in the document's own shape (metadata, spec, window, alerting): each leaf is typed,
 * the defaults the format gives an absent field are filled in (window 30d, policy
 * google-30d, minEventsPerWindow 0, Occurrences, the default budget thresholds), and a
 * part is null when it was invalid (its problem is recorded). {@link V1Converter} turns
 * it into the engine's {@code SloSpec}.
 *
 * @param metadata null when {@code metadata} or {@code spec} is missing or not a mapping
 * @param spec     null when {@code metadata} or {@code spec} is missing or not a mapping
 */
public record V1Document(Metadata metadata, Spec spec) {

    public static final String API_VERSION = "burnrate/v1";
    public static final String KIND = "SLO";

    /** {@code metadata}: {@code name} is null when invalid; annotations are not kept. */
    public record Metadata(String name, Map<String, String> labels) {
    }

    /** {@code spec}; {@code objective} is NaN when invalid. */
    public record Spec(String service, Map<String, String> selector, Indicator indicator, double objective,
                       Window window, BudgetingMethod budgetingMethod, Alerting alerting,
                       List<BudgetThreshold> budgetThresholds, List<BudgetAdjustment> budgetAdjustments) {
    }

    /** {@code spec.window}: rolling or calendar. */
    public sealed interface Window {

        /** The SLO window the engine sizes buckets and alert thresholds by. */
        Duration length();

        /** The calendar periods, or null for a rolling window. */
        CalendarPeriod calendar();
    }

    /** {@code window: 30d}. */
    public record Rolling(Duration length) implements Window {
        @Override
        public CalendarPeriod calendar() {
            return null;
        }
    }

    /** {@code window: {calendar: month|week, timeZone: ...}}. */
    public record Calendar(CalendarPeriod calendar) implements Window {
        /** The longest period: the status window and the bucket layout's SLO window. */
        @Override
        public Duration length() {
            return calendar.kind() == PeriodKind.WEEK ? Duration.ofDays(7) : Duration.ofDays(31);
        }
    }

    /**
     * {@code spec.alerting}.
     *
     * @param policy null when invalid; the windows that were valid when some were not
     * @param explainBy attribute names alerts explain bad events by (besides the operation)
     * @param noData    no-data alert rules ({@code spec.alerting.noData})
     */
    public record Alerting(List<AlertWindow> policy, long minEventsPerWindow, String runbook, List<String> explainBy,
                           boolean historyGuard, List<NoDataAlert> noData) {

        /** Explained by operation only, with the history guard on (the default), no no-data alerts. */
        public Alerting(final List<AlertWindow> policy, final long minEventsPerWindow, final String runbook) {
            this(policy, minEventsPerWindow, runbook, List.of(), true, List.of());
        }
    }
}

package io.burnrate.engine.http;

import io.burnrate.engine.monitor.StatusBoard;
import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.NoDataAlert;
import io.burnrate.engine.slo.SloRegistry;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.topology.BurnRateTopology;
import io.burnrate.schemas.ComplianceSummary;
import io.burnrate.schemas.StatusSnapshot;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Everything burnrate exports to Prometheus. Per SLO (labels {@code slo}, {@code service},
 * the configured SLO labels such as {@code team} and {@code tier}, plus {@code window} or
 * {@code rule}/{@code severity}):
 *
 * <ul>
 *   <li>{@code burnrate_slo_objective_ratio} (0.999 for 99.9 %)</li>
 *   <li>{@code burnrate_slo_sli_ratio{window}} and {@code burnrate_slo_burn_rate{window}}</li>
 *   <li>{@code burnrate_slo_error_budget_remaining_ratio}</li>
 *   <li>{@code burnrate_slo_time_to_exhaustion_seconds} (NaN while nothing burns)</li>
 *   <li>{@code burnrate_slo_alert_firing{rule,severity}} 1 or 0, and
 *       {@code burnrate_slo_alert_threshold{rule,severity}}</li>
 *   <li>of the latest closed compliance period of each kind ({@code period}: hour, day, week,
 *       month, rolling; once one closed here): {@code burnrate_slo_compliance_sli_ratio},
 *       {@code _objective_met}, {@code _error_budget_remaining_ratio},
 *       {@code _latency_p99_seconds}, {@code _bad_seconds}</li>
 * </ul>
 *
 * Engine: {@code burnrate_events_accepted_total}, {@code burnrate_events_rejected_total{reason}},
 * {@code burnrate_events_unmatched_total}, {@code burnrate_events_late_total},
 * {@code burnrate_alert_transitions_total}, {@code burnrate_compliance_summaries_total},
 * {@code burnrate_count_records_accepted_total}, {@code burnrate_count_records_duplicate_total},
 * {@code burnrate_count_records_without_threshold_total},
 * {@code burnrate_evaluation_lag_seconds}; Kafka
 * Streams client metrics ({@code kafka_stream_*}) and JVM metrics ({@code jvm_*}).
 *
 * <p>SLO series appear once this instance has numbers for an SLO and disappear when it is
 * deleted or its partition moves to another instance: no stale series. Label values are
 * bounded by the SLO definitions, never by traffic.
 */
public final class EngineMetrics {

    /**
     * SLO labels copied onto every per-SLO series by default (setting {@code metrics.slo.labels});
     * missing ones are exported empty.
     */
    public static final List<String> DEFAULT_SLO_LABELS = List.of("team", "tier");
    private static final List<String> REJECT_REASONS = List.of("malformed-json", "missing-field", "invalid-field",
            "invalid-timestamp", "late");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final BurnRateTopology.Built built;
    private final List<String> sloLabels;
    private final Map<String, List<Meter>> perSlo = new HashMap<>();
    /** The definition each SLO's series were registered for: a redefined SLO re-registers. */
    private final Map<String, SloSpec> registeredFor = new HashMap<>();
    /** Period kinds whose compliance series each SLO has (they appear as periods close). */
    private final Map<String, Set<String>> complianceKinds = new HashMap<>();
    /** ... and the windows of the snapshot the per-window series index into. */
    private final Map<String, List<Duration>> registeredWindows = new HashMap<>();

    public EngineMetrics(final BurnRateTopology.Built built, final List<String> sloLabels) {
        this.built = built;
        this.sloLabels = List.copyOf(sloLabels);
        registry.config().meterFilter(promtoolClean());
        final var c = built.counters();
        FunctionCounter.builder("burnrate_events_accepted", c.accepted, a -> a.sum())
                .description("request events accepted (valid and within grace)").register(registry);
        FunctionCounter.builder("burnrate_events_unmatched", c.unmatched, a -> a.sum())
                .description("accepted events that matched no SLO (counted and dropped)").register(registry);
        FunctionCounter.builder("burnrate_alert_transitions", c.transitions, a -> a.sum())
                .description("alert transitions emitted (firing and resolved)").register(registry);
        FunctionCounter.builder("burnrate_count_records_accepted", c.countRecords, a -> a.sum())
                .description("pre-aggregated count records accepted (valid, within grace, not a retried copy)")
                .register(registry);
        FunctionCounter.builder("burnrate_count_records_duplicate", c.countDuplicates, a -> a.sum())
                .description("count records not counted again: same id and interval start as one counted").register(registry);
        FunctionCounter.builder("burnrate_count_records_without_threshold", c.countsWithoutThreshold, a -> a.sum())
                .description("(count record, latency SLO) pairs skipped: no latencyOverMs at the SLO's threshold")
                .register(registry);
        FunctionCounter.builder("burnrate_compliance_summaries", c.summaries, a -> a.sum())
                .description("compliance summaries published (hour, day, week, month, rolling)").register(registry);
        for (final String reason : REJECT_REASONS) {
            FunctionCounter.builder("burnrate_events_rejected", c, x -> x.rejectedCount(reason))
                    .description("events sent to the dead-letter topic, by reason").tag("reason", reason)
                    .register(registry);
        }
        FunctionCounter.builder("burnrate_events_late", c, x -> x.rejectedCount("late"))
                .description("events older than the grace period (dead-lettered)").register(registry);
        Gauge.builder("burnrate_evaluation_lag_seconds", c, x -> {
            final long t = x.eventTime.get();
            return t == Long.MIN_VALUE ? Double.NaN : Math.max(0, System.currentTimeMillis() - t) / 1000.0;
        }).description("wall clock minus the newest event time evaluated").register(registry);
        final var slos = built.registry();
        for (final String reason : List.of(SloRegistry.INVALID_SLO,
                SloRegistry.KEY_MISMATCH, SloRegistry.LIMIT,
                SloRegistry.MISSING_KEY)) {
            FunctionCounter.builder("burnrate_slo_definitions_rejected", slos, x -> x.rejectedCount(reason))
                    .description("SLO documents on the SLO topic refused (dead-lettered; the previous version stays)")
                    .tag("reason", reason).register(registry);
        }
        Gauge.builder("burnrate_slo_definitions_invalid", slos, x -> x.snapshot().invalid().size())
                .description("SLOs whose latest document on the SLO topic is invalid").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /** Adds the Kafka Streams client metrics. */
    public EngineMetrics bind(final KafkaStreams streams) {
        new KafkaStreamsMetrics(streams).bindTo(registry);
        return this;
    }

    /** The Prometheus text exposition, after bringing per-SLO series up to date. */
    public synchronized String scrape() {
        sync();
        return registry.scrape();
    }

    /** Registers series for SLOs with numbers here, removes those of SLOs gone or moved. */
    synchronized void sync() {
        final StatusBoard board = built.board();
        final Map<String, SloSpec> specs = built.registry().snapshot().byId();
        for (final String id : new ArrayList<>(perSlo.keySet())) {
            final StatusBoard.Entry e = board.get(id);
            final SloSpec spec = specs.get(id);
            if (e == null || spec == null || !spec.equals(registeredFor.get(id))
                    || !windowsOf(e.latest()).equals(registeredWindows.get(id))) {
                perSlo.remove(id).forEach(registry::remove);
                complianceKinds.remove(id);
                registeredFor.remove(id);
                registeredWindows.remove(id);
            }
        }
        for (final StatusBoard.Entry e : board.all()) {
            final String id = e.latest().sloId();
            final SloSpec spec = specs.get(id);
            if (spec != null && !perSlo.containsKey(id)) {
                perSlo.put(id, register(spec, e.latest()));
                registeredFor.put(id, spec);
                registeredWindows.put(id, windowsOf(e.latest()));
            }
            if (spec != null) {
                final Set<String> kinds = complianceKinds.computeIfAbsent(id, k -> new HashSet<>());
                for (final ComplianceSummary c : board.compliance(id)) {
                    if (kinds.add(c.period().kind())) {
                        perSlo.get(id).addAll(registerCompliance(spec, c.period().kind()));
                    }
                }
            }
        }
    }

    /** Series of the latest closed period of one kind ({@code period} label: hour, day, week, month, rolling). */
    private List<Meter> registerCompliance(final SloSpec spec, final String kind) {
        final Tags tags = baseTags(spec).and("period", kind);
        final String id = spec.id();
        final List<Meter> meters = new ArrayList<>();
        meters.add(complianceGauge("burnrate_slo_compliance_sli_ratio",
                "attainment of the latest closed period (NaN without traffic)", tags, id, kind,
                c -> c.sli() == null ? Double.NaN : c.sli()));
        meters.add(complianceGauge("burnrate_slo_compliance_objective_met",
                "1 when the latest closed period met the objective, else 0", tags, id, kind, c -> c.met() ? 1 : 0));
        meters.add(complianceGauge("burnrate_slo_compliance_error_budget_remaining_ratio",
                "fraction of the latest closed period's error budget left", tags, id, kind,
                c -> c.errorBudget().remainingFraction()));
        meters.add(complianceGauge("burnrate_slo_compliance_latency_p99_seconds",
                "p99 latency of the latest closed period (1 % relative error; NaN without traffic)", tags, id, kind,
                c -> c.latency().p99Ms() == null ? Double.NaN : c.latency().p99Ms() / 1000.0));
        // seconds, not minutes: Prometheus' base unit (promtool check metrics refuses "_minutes")
        meters.add(complianceGauge("burnrate_slo_compliance_bad_seconds",
                "customer-impact time (whole minutes with burn rate above 1) in the latest closed period", tags, id, kind,
                c -> c.badMinutes() * 60.0));
        return meters;
    }

    private Meter complianceGauge(final String name, final String help, final Tags tags, final String sloId,
                                  final String kind, final ToDoubleFunction<ComplianceSummary> value) {
        final StatusBoard board = built.board();
        return Gauge.builder(name, board, b -> {
            for (final ComplianceSummary c : b.compliance(sloId)) {
                if (c.period().kind().equals(kind)) {
                    return value.applyAsDouble(c);
                }
            }
            return Double.NaN;
        }).description(help).tags(tags).register(registry);
    }

    private List<Meter> register(final SloSpec spec, final StatusSnapshot first) {
        final String id = spec.id();
        final Tags base = baseTags(spec);
        final List<Meter> meters = new ArrayList<>();
        meters.add(gauge("burnrate_slo_objective_ratio", "SLO objective as a fraction", base,
                s -> BigDecimal.valueOf(s.objective()).movePointLeft(2).doubleValue(), id));
        meters.add(gauge("burnrate_slo_error_budget_remaining_ratio",
                "fraction of the SLO window's error budget left (negative when overspent)", base,
                StatusSnapshot::errorBudgetRemaining, id));
        meters.add(gauge("burnrate_slo_time_to_exhaustion_seconds",
                "time until the error budget is spent at the current burn rate (NaN while nothing burns)", base,
                s -> s.timeToExhaustion() == null ? Double.NaN : s.timeToExhaustion().toSeconds(), id));
        for (int i = 0; i < first.windows().size(); i++) {
            final int w = i;
            final Tags tags = base.and("window", Durations.format(first.windows().get(i).window()));
            meters.add(gauge("burnrate_slo_sli_ratio", "good / total events over the window (NaN without traffic)",
                    tags, s -> {
                        final Double sli = s.windows().get(w).sli();
                        return sli == null ? Double.NaN : sli;
                    }, id));
            meters.add(gauge("burnrate_slo_burn_rate", "error-budget burn rate over the window (1 = on budget)", tags,
                    s -> s.windows().get(w).burnRate(), id));
            meters.add(gauge("burnrate_slo_window_events", "events in the window", tags,
                    s -> s.windows().get(w).total(), id));
            meters.add(gauge("burnrate_slo_window_bad_events", "bad events in the window", tags,
                    s -> s.windows().get(w).bad(), id));
        }
        for (final AlertWindow rule : spec.alerts()) {
            final Tags tags = base.and("rule", rule.ruleName()).and("severity", rule.severity().wire());
            final String name = rule.ruleName();
            meters.add(gauge("burnrate_slo_alert_firing", "1 while the alert rule fires, else 0", tags,
                    s -> s.firing().contains(name) ? 1 : 0, id));
            // a calendar SLO's snapshot window is the current period's length
            meters.add(gauge("burnrate_slo_alert_threshold", "burn rate both windows of the rule must exceed", tags,
                    s -> rule.threshold(s.window()), id));
        }
        for (final NoDataAlert rule : spec.noData()) {
            // no threshold series: a no-data rule fires on no requests, not on a burn rate
            final Tags tags = base.and("rule", rule.ruleName()).and("severity", rule.severity().wire());
            final String name = rule.ruleName();
            meters.add(gauge("burnrate_slo_alert_firing", "1 while the alert rule fires, else 0", tags,
                    s -> s.firing().contains(name) ? 1 : 0, id));
        }
        return meters;
    }

    private Meter gauge(final String name, final String help, final Tags tags,
                        final ToDoubleFunction<StatusSnapshot> value, final String sloId) {
        final StatusBoard board = built.board();
        return Gauge.builder(name, board, b -> {
            final StatusBoard.Entry e = b.get(sloId);
            return e == null ? Double.NaN : value.applyAsDouble(e.latest());
        }).description(help).tags(tags).register(registry);
    }

    private Tags baseTags(final SloSpec spec) {
        final List<Tag> tags = new ArrayList<>();
        tags.add(Tag.of("slo", spec.id()));
        tags.add(Tag.of("service", spec.service()));
        for (final String label : sloLabels) {
            tags.add(Tag.of(label, spec.labels().getOrDefault(label, "")));
        }
        return Tags.of(tags);
    }

    private static List<Duration> windowsOf(final StatusSnapshot s) {
        return s.windows().stream().map(StatusSnapshot.WindowStatus::window).toList();
    }

    /** Name tokens {@code promtool check metrics} refuses as abbreviated units. */
    private static final Set<String> ABBREVIATED_UNITS = Set.of("s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb",
            "pb", "m", "h", "d");

    /**
     * Keeps the exposition clean for {@code promtool check metrics}, which the Kafka client and
     * JVM binders' own names fail: a gauge named {@code ...connection.count} or {@code
     * system.cpu.count} becomes {@code ...connections} / {@code system.cpus} ({@code _count} is
     * a histogram's suffix); Kafka's meters without a description get one; and the Kafka meters
     * whose names carry abbreviated units ({@code io-time-ns-total}, {@code start-time-ms}:
     * totals of nanoseconds spent, that no dashboard reads; likewise {@code process.cpu.time}, in
     * ns) are not exported, since renaming
     * them to base units would need their values scaled.
     */
    static MeterFilter promtoolClean() {
        return new MeterFilter() {
            @Override
            public MeterFilterReply accept(final Meter.Id id) {
                // the base unit becomes a name suffix too (process.cpu.time in ns: process_cpu_time_ns_total)
                if (id.getBaseUnit() != null && ABBREVIATED_UNITS.contains(id.getBaseUnit().toLowerCase(Locale.ROOT))) {
                    return MeterFilterReply.DENY;
                }
                for (final String token : id.getName().split("[._-]")) {
                    if (ABBREVIATED_UNITS.contains(token.toLowerCase(Locale.ROOT))) {
                        return MeterFilterReply.DENY;
                    }
                }
                return MeterFilterReply.NEUTRAL;
            }

            @Override
            public Meter.Id map(final Meter.Id id) {
                Meter.Id out = id;
                final String name = id.getName();
                final boolean distribution = id.getType() == Meter.Type.TIMER || id.getType() == Meter.Type.DISTRIBUTION_SUMMARY
                        || id.getType() == Meter.Type.LONG_TASK_TIMER;
                if (!distribution && name.length() > 6 && name.matches(".*[._-]count")) {
                    out = out.withName(name.substring(0, name.length() - 6) + "s");
                }
                if (out.getDescription() == null || out.getDescription().isBlank()) {
                    out = new Meter.Id(out.getName(), Tags.of(out.getTags()), out.getBaseUnit(),
                            (name.startsWith("kafka") ? "Kafka client metric " : "metric ") + name, out.getType());
                }
                return out;
            }
        };
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }
}

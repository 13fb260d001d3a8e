package io.burnrate.engine.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.ingest.EventParser;
import io.burnrate.engine.ingest.InputLimits;
import io.burnrate.engine.ingest.Rejection;
import io.burnrate.engine.ingest.ScannedEvent;
import io.burnrate.engine.slo.SloRegistry;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.testing.Specs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The routed form of {@link TaskEvaluator#onEvent} (service bytes straight to the monitors,
 * {@link MonitorRoutes}) against the list form (the index's match, then each spec's monitor):
 * every answer must be the same, through SLOs added, redefined and deleted, and a store
 * that drops its monitors.
 */
class RoutedEventsTest {

    private static final long T = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    private static final long S = 1000;
    private static final long MIN = 60 * S;
    private static final TaskEvaluator.Rules RULES = new TaskEvaluator.Rules(Duration.ofMinutes(5),
            Duration.ofSeconds(1), Duration.ofSeconds(5), null, null, null);

    private static final String[] SERVICES = {"a", "b", "c", "d", "zz"};
    private static final String[] OPERATIONS = {null, "pay", "buy", "browse"};
    private static final String[] REGIONS = {null, "eu", "us"};

    private final EventParser.Reader reader = new EventParser.Reader();

    /**
     * Service a: two SLOs without selectors (routed to two monitors); b: one (routed to one);
     * c: one without and one selecting {@code operation: pay} (the operation table); d: one
     * selecting {@code region: eu} (the selectors); zz: none.
     */
    private static List<SloSpec> specs() {
        return List.of(spec("a-1", "a", null, 0), spec("a-2", "a", null, 5), spec("b-1", "b", null, 0),
                spec("c-1", "c", null, 0), spec("c-pay", "c", "{operation: pay}", 0),
                spec("d-eu", "d", "{region: eu}", 0));
    }

    private static SloSpec spec(final String name, final String service, final String selector, final long minEvents) {
        String yaml = Specs.availabilityYaml(name, service, minEvents);
        if (selector != null) {
            yaml = yaml.replace("  service: " + service + "\n", "  service: " + service + "\n  selector: " + selector + "\n");
        }
        return Specs.parse(yaml).get(0).spec();
    }

    /**
     * 4,000 random events over 12 minutes of event time (a quarter of them bad, 2 % of them
     * too late), fed to both forms; SLO b-2 (on the routed service b) is added after 1,000,
     * a-1 is redefined (99 %) after 2,000 and a-2 deleted after 3,000. The alerts,
     * budget-policy events, refusals, every SLO's numbers and the closing summaries match.
     */
    @Test
    void shouldCountEveryEventAsTheIndexMatchDoes() {
        final Rig list = new Rig();
        final Rig routed = new Rig();
        final Random random = new Random(16);
        long t = T;
        for (int i = 0; i < 4_000; i++) {
            if (i == 1_000) {
                list.registry.put(spec("b-2", "b", null, 0));
                routed.registry.put(spec("b-2", "b", null, 0));
            } else if (i == 2_000) {
                final SloSpec tighter = Specs.parse(Specs.availabilityYaml("a-1", "a", 0).replace("99.9", "99")).get(0)
                        .spec();
                list.registry.put(tighter);
                routed.registry.put(tighter);
            } else if (i == 3_000) {
                list.registry.remove("a-2");
                routed.registry.remove("a-2");
            }
            t += random.nextInt(360);
            final long ts = random.nextInt(50) == 0 ? t - 6 * MIN : t;
            final String json = json(SERVICES[random.nextInt(SERVICES.length)], ts,
                    OPERATIONS[random.nextInt(OPERATIONS.length)], REGIONS[random.nextInt(REGIONS.length)],
                    random.nextInt(4) == 0 ? 503 : 200);
            list.rejections.add(reason(list.sendListed(json, t)));
            routed.rejections.add(reason(routed.sendRouted(json, t)));
            if (i % 500 == 499) {
                list.evaluator.onWallClock(t, false);
                routed.evaluator.onWallClock(t, false);
            }
        }
        assertThat(routed.evaluator.routedServices())
                .as("a and b by service; c by operation: pay and none, not buy or browse; d and zz not at all").isEqualTo(5);
        list.evaluator.onWallClock(t + S, true);
        routed.evaluator.onWallClock(t + S, true);

        assertThat(list.out.alerts).as("some rule fired").isNotEmpty();
        assertThat(list.rejections).contains(Rejection.LATE);
        assertThat(routed.out.alerts).isEqualTo(list.out.alerts);
        assertThat(routed.out.policies).isEqualTo(list.out.policies);
        assertThat(routed.out.summaries).isEqualTo(list.out.summaries);
        assertThat(routed.rejections).isEqualTo(list.rejections);
        assertThat(routed.numbers()).isEqualTo(list.numbers()).containsOnlyKeys("a-1", "b-1", "b-2", "c-1", "c-pay",
                "d-eu");
        assertThat(routed.counters.accepted.sum()).isEqualTo(list.counters.accepted.sum());
        assertThat(routed.counters.unmatched.sum()).isEqualTo(list.counters.unmatched.sum()).isPositive();
    }

    /**
     * A store that drops its monitors (a task whose state was cleared) starts a new epoch:
     * the next event of a routed service counts in the store's new monitor, not the dropped one.
     */
    @Test
    void shouldLookTheMonitorsUpAgainWhenTheStoreDropsThem() {
        final Rig rig = new Rig();
        assertThat(rig.sendRouted(json("b", T, null, null, 200), T)).isNull();
        assertThat(rig.sendRouted(json("b", T + S, null, null, 200), T)).isNull();
        final SloMonitor dropped = rig.store.live("b-1");
        assertThat(dropped.counts().total(0)).isEqualTo(2);
        rig.store.clear();
        assertThat(rig.sendRouted(json("b", T + 2 * S, null, null, 503), T)).isNull();
        final SloMonitor fresh = rig.store.live("b-1");
        assertThat(fresh).isNotNull().isNotSameAs(dropped);
        assertThat(fresh.counts().total(0)).isEqualTo(1);
        assertThat(fresh.counts().bad(0)).isEqualTo(1);
        assertThat(dropped.counts().total(0)).isEqualTo(2);
    }

    /**
     * Operations no SLO names are not routed, so a stream of made-up operations cannot grow
     * the routes; they count in the SLOs without a selector, as the list form counts them.
     */
    @Test
    void shouldRouteOnlyTheOperationsTheSlosName() {
        final Rig rig = new Rig();
        for (int i = 0; i < 1_000; i++) {
            assertThat(rig.sendRouted(json("c", T + i, "made-up-" + i, null, 200), T)).isNull();
        }
        assertThat(rig.evaluator.routedServices()).as("c, by operation").isEqualTo(1);
        assertThat(rig.sendRouted(json("c", T + 1_000, "pay", null, 503), T)).isNull();
        assertThat(rig.sendRouted(json("c", T + 1_001, "pay", null, 200), T)).isNull();
        assertThat(rig.evaluator.routedServices()).as("c, by operation; c with pay").isEqualTo(2);
        assertThat(rig.store.live("c-1").counts().total(0)).isEqualTo(1_002);
        assertThat(rig.store.live("c-pay").counts().total(0)).isEqualTo(2);
        assertThat(rig.store.live("c-pay").counts().bad(0)).isEqualTo(1);
    }

    /** A refused event (too late) routes nothing and creates no monitor, as the list form. */
    @Test
    void shouldCreateNoMonitorForARefusedEvent() {
        final Rig rig = new Rig();
        assertThat(rig.sendRouted(json("a", T + 10 * MIN, null, null, 200), T)).isNull();
        assertThat(rig.sendRouted(json("b", T, null, null, 200), T)).extracting(Rejection::reason)
                .isEqualTo(Rejection.LATE);
        assertThat(rig.store.live("b-1")).isNull();
        assertThat(rig.evaluator.routedServices()).isEqualTo(1);
    }

    private static String reason(final Rejection r) {
        return r == null ? null : r.reason();
    }

    private static String json(final String service, final long ts, final String op, final String region,
                               final int status) {
        return "{\"service\":\"" + service + "\",\"timestamp\":" + ts + ",\"latencyMs\":" + (ts % 97) + ",\"status\":"
                + status + (op == null ? "" : ",\"operation\":\"" + op + "\"")
                + (region == null ? "" : ",\"attributes\":{\"region\":\"" + region + "\"}") + "}";
    }

    private final class Rig {
        final SloRegistry registry = new SloRegistry();
        final HeapMonitorStore store = new HeapMonitorStore(RULES.grace());
        final RecordingEmitter out = new RecordingEmitter(false);
        final EngineCounters counters = new EngineCounters();
        final TaskEvaluator evaluator;
        final List<String> rejections = new ArrayList<>();

        Rig() {
            registry.loadOnce(specs());
            evaluator = new TaskEvaluator(RULES, registry::snapshot, store, out, counters);
            evaluator.start(T);
        }

        Rejection sendListed(final String json, final long wall) {
            final ScannedEvent e = scan(json);
            final var index = evaluator.registry().index();
            return evaluator.onEvent(e, index.match(e.service(), e.operation(), e.attributes()), wall);
        }

        Rejection sendRouted(final String json, final long wall) {
            final ScannedEvent e = scan(json);
            return evaluator.onEvent(e, evaluator.registry().index(), e.raw(), e.serviceStart(), e.serviceLength(),
                    e.operationStart(), e.operationLength(), wall);
        }

        private ScannedEvent scan(final String json) {
            final byte[] raw = json.getBytes(StandardCharsets.UTF_8);
            assertThat(EventParser.scan(raw, InputLimits.DEFAULTS, reader)).as(json).isTrue();
            return reader.event();
        }

        /** Every live SLO's status numbers (windows, budget, rule states), by id. */
        Map<String, String> numbers() {
            return RecordingEmitter.numbers(store.monitors());
        }
    }
}

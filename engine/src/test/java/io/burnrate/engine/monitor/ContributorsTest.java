package io.burnrate.engine.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.tuple;

import io.burnrate.engine.ingest.EventParser;
import io.burnrate.engine.ingest.InputLimits;
import io.burnrate.engine.ingest.ScannedEvent;
import io.burnrate.engine.slo.SloRegistry;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.testing.Specs;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.BudgetPolicyEvent;
import io.burnrate.schemas.ComplianceSummary;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The "why" of an alert through the task evaluator (no Kafka): which operation and attribute
 * values the bad events came from, with hand-computed shares. Events go through the
 * allocation-free scanner as the stream thread reads them.
 */
class ContributorsTest {

    /** A whole hour: a multiple of the 25 s contributor buckets of 5m and the 5 min ones of 1h. */
    private static final long T = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    private static final long S = 1000;
    private static final TaskEvaluator.Rules RULES = new TaskEvaluator.Rules(Duration.ofMinutes(5),
            Duration.ofSeconds(1), Duration.ofSeconds(5), null, null, null);
    private static final String[] OPERATIONS = {"GET /a", "GET /b", "GET /search", "GET /c", "POST /cart"};

    private final EventParser.Reader reader = new EventParser.Reader();
    private final List<AlertTransition> alerts = new ArrayList<>();

    private static SloSpec checkout(final String explainBy) {
        return Specs.parse(Specs.availabilityYaml("checkout-availability", "checkout", 0)
                + (explainBy == null ? "" : "    explainBy: [" + explainBy + "]\n")).get(0).spec();
    }

    /**
     * Five operations, one event each per second from T to T + 299 s; POST /cart fails on
     * every one (an outage), GET /search on every 30th second (k = 0, 30, ..., 270). The
     * history guard holds page-1h-5m until the SLO has 5 minutes of history: it fires on the
     * first event at T + 300 s, with 300 + 10 = 310 bad events of 1,501.
     */
    @Test
    void shouldNameTheFailingOperationFirstWithItsExactShare() {
        final TaskEvaluator evaluator = evaluator(checkout(null));
        for (int k = 0; k < 300; k++) {
            for (final String op : OPERATIONS) {
                final boolean bad = "POST /cart".equals(op) || "GET /search".equals(op) && k % 30 == 0;
                send(evaluator, T + k * S, op, null, bad ? 503 : 200);
            }
            assertThat(alerts).as("second %d", k).isEmpty();
        }
        send(evaluator, T + 300 * S, "GET /a", null, 200);

        assertThat(alerts).extracting(AlertTransition::rule, AlertTransition::state)
                .containsExactly(tuple("page-1h-5m", AlertTransition.FIRING));
        final AlertTransition.Contributors why = alerts.get(0).contributors();
        assertThat(why.since()).as("every bad event of the SLO's history counted").isNull();
        // 5m in 25 s buckets: at T + 300 s the 12 buckets up to the current one cover
        // [T + 25 s, T + 325 s), so k = 25..299: POST /cart 275, GET /search k = 30..270: 9
        final AlertTransition.Window shortWindow = why.shortWindow();
        assertThat(shortWindow.window()).isEqualTo(Duration.ofMinutes(5));
        assertThat(shortWindow.badEvents()).isEqualTo(284);
        assertThat(shortWindow.dimensions()).singleElement().satisfies(d -> {
            assertThat(d.dimension()).isEqualTo("operation");
            assertThat(d.untrackedBadEvents()).isZero();
            assertThat(d.top()).containsExactly(new AlertTransition.Contributor("POST /cart", 275, 275.0 / 284),
                    new AlertTransition.Contributor("GET /search", 9, 9.0 / 284));
        });
        // 1h in 5 min buckets: [T - 55 min, T + 5 min) holds every bad event: 300 + 10
        assertThat(why.longWindow().badEvents()).isEqualTo(310);
        assertThat(why.longWindow().dimensions().get(0).top()).containsExactly(
                new AlertTransition.Contributor("POST /cart", 300, 300.0 / 310),
                new AlertTransition.Contributor("GET /search", 10, 10.0 / 310));
        // 275 / 284 = 96.83 %, 300 / 310 = 96.77 %
        assertThat(alerts.get(0).annotations().description())
                .endsWith(" Bad events over 5m: operation=POST /cart 96.8%; over 1h: operation=POST /cart 96.8%.");
    }

    /**
     * Region as an explainBy attribute: 40 bad events, 30 in eu-west-1, 6 in us-east-1 and
     * 4 without a region; the operation dimension comes first and is all GET /a.
     */
    @Test
    void shouldExplainByAnAllowListedAttribute() {
        final TaskEvaluator evaluator = evaluator(checkout("region"));
        for (int k = 0; k < 40; k++) {
            final String region = k < 30 ? "eu-west-1" : k < 36 ? "us-east-1" : null;
            send(evaluator, T + k * S, "GET /a", region, 500);
        }
        final SloMonitor m = store.live("checkout-availability");
        final AlertTransition.Window w = m.contributors().explain(Duration.ofMinutes(5), Duration.ofHours(1),
                m.counts().now()).longWindow();
        assertThat(w.badEvents()).isEqualTo(40);
        assertThat(w.dimensions()).extracting(AlertTransition.Dimension::dimension).containsExactly("operation", "region");
        assertThat(w.dimensions().get(0).top()).containsExactly(new AlertTransition.Contributor("GET /a", 40, 1.0));
        assertThat(w.dimensions().get(1).top()).containsExactly(
                new AlertTransition.Contributor("eu-west-1", 30, 30 / 40.0),
                new AlertTransition.Contributor("us-east-1", 6, 6 / 40.0),
                new AlertTransition.Contributor(Contributors.NONE, 4, 4 / 40.0));
    }

    /**
     * More distinct operations than the table holds: 32 operations with one bad event each
     * (op-00..op-31, one per second), then op-32..op-39 with one each: each evicts the
     * value with the fewest bad events in 3d (all tie at 1; the first slot wins), moving
     * its count to untracked. Then "POST /cart" with 20 bad events, admitted by evicting
     * one more. Tracked values stay at 32; of 60 bad events, 9 are untracked.
     */
    @Test
    void shouldStayBoundedWithMoreOperationsThanTheCap() {
        final TaskEvaluator evaluator = evaluator(checkout(null));
        long t = T;
        for (int i = 0; i < 40; i++) {
            send(evaluator, t, String.format(Locale.ROOT, "op-%02d", i), null, 500);
            t += S;
        }
        for (int i = 0; i < 20; i++) {
            send(evaluator, t, "POST /cart", null, 500);
        }
        final SloMonitor m = store.live("checkout-availability");
        final AlertTransition.Window w = m.contributors().explain(Duration.ofHours(6), Duration.ofDays(3),
                m.counts().now()).longWindow();
        assertThat(w.badEvents()).isEqualTo(60);
        final AlertTransition.Dimension d = w.dimensions().get(0);
        // 8 evictions for op-32..op-39 and one for POST /cart: 9 bad events untracked
        assertThat(d.untrackedBadEvents()).isEqualTo(9);
        assertThat(d.top().get(0)).isEqualTo(new AlertTransition.Contributor("POST /cart", 20, 20 / 60.0));
        // the share bound: a listed value's count is low by at most untracked (here exact: 20)
        assertThat(d.top()).hasSize(Contributors.TOP);
    }

    /** Budget consumed since the start and the projected exhaustion, in the summary an on-call person reads first. */
    @Test
    void shouldPutBudgetConsumedAndExhaustionInTheSummary() {
        final TaskEvaluator evaluator = evaluator(checkout(null));
        for (int k = 0; k < 300; k++) {
            send(evaluator, T + k * S, "GET /a", null, k % 10 == 0 ? 500 : 200);
        }
        send(evaluator, T + 300 * S, "GET /a", null, 200);
        final AlertTransition a = alerts.get(0);
        // 30 bad of 301 in the 1h window and in the 30d window: the budget of 301 events is
        // 0.301, so 30 / 0.301 = 9,966.78 % consumed; the budget is overspent: exhausted now
        assertThat(a.budgetConsumedPercent()).isCloseTo(30 / 0.301 * 100, offset(1e-9));
        assertThat(a.annotations().summary()).isEqualTo("checkout-availability: page-1h-5m firing, error budget "
                + "burning 99.67x over 1h (threshold 14.4x); 9966.78% of the budget spent since it started, "
                + "the budget is exhausted");
    }

    // ---- the rig ----

    private HeapMonitorStore store;

    private TaskEvaluator evaluator(final SloSpec spec) {
        final SloRegistry registry = new SloRegistry();
        registry.loadOnce(List.of(spec));
        store = new HeapMonitorStore(RULES.grace());
        final TaskEvaluator e = new TaskEvaluator(RULES, registry::snapshot, store, new Recorder(), new EngineCounters());
        e.start(T);
        return e;
    }

    /** One event as the stream thread reads it: scanned into the reused event, matched, counted. */
    private void send(final TaskEvaluator evaluator, final long ts, final String op, final String region,
                      final int status) {
        final String json = "{\"service\":\"checkout\",\"timestamp\":" + ts + ",\"latencyMs\":5,\"status\":" + status
                + ",\"operation\":\"" + op + "\"" + (region == null ? "" : ",\"attributes\":{\"region\":\"" + region
                + "\"}") + "}";
        final byte[] raw = json.getBytes(StandardCharsets.UTF_8);
        assertThat(EventParser.scan(raw, InputLimits.DEFAULTS, reader)).as(json).isTrue();
        final ScannedEvent e = reader.event();
        final var snap = evaluator.registry();
        assertThat(evaluator.onEvent(e, snap.index().match(e.service(), e.operation(), e.attributes()), ts)).isNull();
    }

    private final class Recorder implements Emitter {
        @Override
        public void alert(final AlertTransition t) {
            alerts.add(t);
        }

        @Override
        public void status(final SloMonitor m) {
            m.snapshot();
        }

        @Override
        public void policy(final BudgetPolicyEvent e) {
        }

        @Override
        public void summary(final ComplianceSummary s) {
        }

        @Override
        public void removed(final String sloId) {
        }
    }
}

package io.burnrate.engine.slo;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.testing.Specs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@link SloIndex} selects exactly what {@link SloSpec#selects} selects, in SLO-id order, by bytes or by strings. */
class SloIndexTest {

    private static SloSpec spec(final String id, final String service, final Map<String, String> selector) {
        final SloSpec s = Specs.availability(id, service, 0);
        return new SloSpec(id, service, selector, s.indicator(), s.objective(), s.window(), s.alerts(),
                s.minEventsPerWindow(), s.runbook(), s.labels(), s.budgetThresholds(), s.calendar(),
                s.budgetingMethod(), s.budgetAdjustments());
    }

    /** Ids in the order the registry keeps them (TreeMap by id). */
    private static SloIndex index(final SloSpec... specs) {
        final TreeMap<String, SloSpec> byId = new TreeMap<>();
        for (final SloSpec s : specs) {
            byId.put(s.id(), s);
        }
        return new SloIndex(byId.values());
    }

    private static List<String> ids(final List<SloSpec> specs) {
        return specs.stream().map(SloSpec::id).toList();
    }

    /** The event {@code {"service":"<service>","operation":"<operation>"}} as bytes, matched the hot path's way. */
    private static List<String> byBytes(final SloIndex index, final String service, final String operation) {
        final String json = "{\"service\":\"" + service + "\"" + (operation == null ? "" : ",\"operation\":\""
                + operation + "\"") + "}";
        final byte[] b = json.getBytes(StandardCharsets.UTF_8);
        final int ss = json.indexOf(service, 10);
        final SloIndex.ServiceSlos slos = index.service(b, ss, service.length());
        if (slos == null) {
            return List.of();
        }
        final int os = operation == null ? -1 : json.indexOf(operation, ss + service.length());
        return ids(slos.forOperation(b, os, operation == null ? 0 : operation.length()));
    }

    @Test
    void operationSelectorsAndCatchAllsKeepIdOrder() {
        final SloIndex index = index(
                spec("c-all", "checkout", Map.of()),
                spec("a-pay", "checkout", Map.of("operation", "POST /pay")),
                spec("b-cart", "checkout", Map.of("operation", "GET /cart")),
                spec("d-pay", "checkout", Map.of("operation", "POST /pay")),
                spec("e-search", "search", Map.of()));
        // POST /pay: a-pay, c-all (catch-all), d-pay, in id order
        assertThat(byBytes(index, "checkout", "POST /pay")).containsExactly("a-pay", "c-all", "d-pay");
        assertThat(ids(index.match("checkout", "POST /pay", Map.of()))).containsExactly("a-pay", "c-all", "d-pay");
        assertThat(byBytes(index, "checkout", "GET /cart")).containsExactly("b-cart", "c-all");
        // an operation no SLO names, or none at all: only the catch-all
        assertThat(byBytes(index, "checkout", "GET /other")).containsExactly("c-all");
        assertThat(byBytes(index, "checkout", null)).containsExactly("c-all");
        assertThat(ids(index.match("checkout", null, Map.of()))).containsExactly("c-all");
        assertThat(byBytes(index, "search", "GET /cart")).containsExactly("e-search");
        // services without SLOs, including prefixes and extensions of known ones
        assertThat(byBytes(index, "check", "POST /pay")).isEmpty();
        assertThat(byBytes(index, "checkouts", "POST /pay")).isEmpty();
        assertThat(index.match("nobody", "POST /pay", Map.of())).isEmpty();
    }

    /** Only a service whose SLOs all have empty selectors takes every event of its own (the routed services). */
    @Test
    void selectsAllOnlyWhenNoSloOfTheServiceSelects() {
        final SloIndex index = index(
                spec("a-1", "plain", Map.of()),
                spec("a-2", "plain", Map.of()),
                spec("b-all", "ops", Map.of()),
                spec("b-pay", "ops", Map.of("operation", "POST /pay")),
                spec("c-eu", "attrs", Map.of("attributes.region", "eu")));
        assertThat(index.service("plain").selectsAll()).isTrue();
        assertThat(index.service("ops").selectsAll()).isFalse();
        assertThat(index.service("attrs").selectsAll()).isFalse();
        // whatever the operation, an event of plain counts in both of its SLOs
        assertThat(byBytes(index, "plain", "POST /pay")).containsExactly("a-1", "a-2");
        assertThat(byBytes(index, "plain", null)).containsExactly("a-1", "a-2");
        assertThat(byBytes(index, "ops", "POST /pay")).containsExactly("b-all", "b-pay");
    }

    @Test
    void attributeSelectorsFallBackToEachSelector() {
        final SloIndex index = index(
                spec("eu", "checkout", Map.of("attributes.region", "eu")),
                spec("pay-us", "checkout", Map.of("operation", "POST /pay", "region", "us")),
                spec("all", "checkout", Map.of()));
        final SloIndex.ServiceSlos slos = index.service("checkout");
        assertThat(slos.readsAttributes()).isTrue();
        assertThat(ids(slos.select("POST /pay", Map.of("region", "us")))).containsExactly("all", "pay-us");
        assertThat(ids(index.match("checkout", "POST /pay", Map.of("region", "eu")))).containsExactly("all", "eu");
        assertThat(ids(index.match("checkout", null, Map.of()))).containsExactly("all");
    }

    /** 10,000 SLOs on 1,000 services, 10 operations each: every lookup agrees with testing every selector. */
    @Test
    void agreesWithSelectsAtScale() {
        final List<SloSpec> specs = new ArrayList<>();
        for (int s = 0; s < 1000; s++) {
            for (int o = 0; o < 10; o++) {
                specs.add(spec(String.format(Locale.ROOT, "svc-%04d-op-%d", s, o), "svc-" + s,
                        o == 0 ? Map.of() : Map.of("operation", "op-" + o)));
            }
        }
        final SloIndex index = index(specs.toArray(SloSpec[]::new));
        for (int s = 0; s < 1010; s += 7) {
            for (int o = 0; o < 12; o++) {
                final String service = "svc-" + s;
                final String op = "op-" + o;
                final List<String> expected = new ArrayList<>();
                for (final SloSpec spec : specs) {
                    if (spec.service().equals(service) && spec.selects(op, Map.of())) {
                        expected.add(spec.id());
                    }
                }
                assertThat(byBytes(index, service, op)).as(service + " " + op).isEqualTo(expected);
            }
        }
    }

    /**
     * Service names that differ only in their last characters must not crowd into
     * neighbouring slots: with a plain polynomial hash, 10,000 names svc-00000 .. svc-09999
     * took 6.2 probes per lookup on average and 143 at worst (linear probing over 32,768
     * slots); mixed, about 1.2 and a handful (with 10,000 keys in 32,768 slots, uniform
     * hashing expects (1 + 1 / (1 - 0.305)) / 2 = 1.22).
     */
    @Test
    void shouldFindSequentiallyNamedServicesInAboutOneProbe() {
        final int n = 10_000;
        final SloIndex.ByteTable<Integer> table = new SloIndex.ByteTable<>(n);
        final List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final byte[] k = String.format(Locale.ROOT, "svc-%05d", i).getBytes(StandardCharsets.UTF_8);
            keys.add(k);
            table.put(k, i);
        }
        long probes = 0;
        int worst = 0;
        for (int i = 0; i < n; i++) {
            final byte[] k = keys.get(i);
            assertThat(table.get(k, 0, k.length)).isEqualTo(i);
            final int p = table.probes(k);
            probes += p;
            worst = Math.max(worst, p);
        }
        assertThat(probes / (double) n).as("average probes").isLessThan(1.5);
        assertThat(worst).as("worst probes").isLessThan(20);
    }
}

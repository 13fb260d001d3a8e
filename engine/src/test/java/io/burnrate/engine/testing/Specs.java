package io.burnrate.engine.testing;

import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.slo.SloValidationException;
import io.burnrate.engine.slo.v1.SloSpecParser;
import java.util.List;

/** SLO specs for tests, written as users write them. */
public final class Specs {

    private Specs() {
    }

    /** A 99.9 % availability SLO on {@code service} with the default policy. */
    public static String availabilityYaml(final String name, final String service, final long minEvents) {
        return "apiVersion: burnrate/v1\n"
                + "kind: SLO\n"
                + "metadata:\n"
                + "  name: " + name + "\n"
                + "  labels: {team: payments, tier: \"0\"}\n"
                + "spec:\n"
                + "  service: " + service + "\n"
                + "  indicator:\n"
                + "    availability: {badStatusMin: 500}\n"
                + "  objective: 99.9\n"
                + "  window: 30d\n"
                + "  alerting:\n"
                + "    policy: google-30d\n"
                + "    minEventsPerWindow: " + minEvents + "\n"
                + "    runbook: https://runbooks.example/" + service + "\n";
    }

    /**
     * A 99 % SLO over 1 hour on {@code checkout} (1 % of the window's requests may fail) with
     * one page rule and the thresholds 25 % (notify-owners) and 0 % (freeze-releases): the
     * release-gate tests.
     */
    public static final String GATE_SLO = String.join("\n",
            "apiVersion: burnrate/v1",
            "kind: SLO",
            "metadata: {name: checkout-availability}",
            "spec:",
            "  service: checkout",
            "  indicator: {availability: {badStatusMin: 500}}",
            "  objective: 99",
            "  window: 1h",
            "  alerting:",
            "    policy:",
            "      - {severity: page, budgetPercent: 2, longWindow: 1h, shortWindow: 5m}",
            "  budgetPolicy:",
            "    thresholds: [{percent: 25, action: notify-owners}, {percent: 0, action: freeze-releases}]",
            "");

    public static SloSpec availability(final String name, final String service, final long minEvents) {
        return parse(availabilityYaml(name, service, minEvents)).get(0).spec();
    }

    public static List<SloSpecParser.Parsed> parse(final String yaml) {
        try {
            return SloSpecParser.parseYaml(yaml, "test.yaml");
        } catch (SloValidationException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}

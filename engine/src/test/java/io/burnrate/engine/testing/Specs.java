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

package io.burnrate.engine.it;

import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The traffic and SLOs the fault tests share: outages that make the page and ticket rules fire and resolve. */
final class Incidents {

    private Incidents() {
    }

    /** A 99.9 % availability SLO {@code <service>-availability} per service. */
    static String slos(final List<String> services) {
        final StringBuilder b = new StringBuilder();
        for (final String s : services) {
            if (b.length() > 0) {
                b.append("---\n");
            }
            b.append(Specs.availabilityYaml(s + "-availability", s, 0));
        }
        return b.toString();
    }

    /**
     * Two services, 4 h at {@code perSecond} each: alpha fails completely for 10 min at
     * 01:30 and one request in five for 10 min at 02:40; beta fails completely for 15 min
     * at 02:00. Time-ordered.
     */
    static List<Traffic.Event> alphaBeta(final double perSecond) {
        final List<Traffic.Event> all = new ArrayList<>();
        final Traffic alpha = Traffic.of("alpha", perSecond, Traffic.T0);
        all.addAll(alpha.next(Duration.ofMinutes(90), Traffic.none()));
        all.addAll(alpha.next(Duration.ofMinutes(10), Traffic.all()));
        all.addAll(alpha.next(Duration.ofMinutes(60), Traffic.none()));
        all.addAll(alpha.next(Duration.ofMinutes(10), Traffic.everyNth(5)));
        all.addAll(alpha.next(Duration.ofMinutes(70), Traffic.none()));
        final Traffic beta = Traffic.of("beta", perSecond, Traffic.T0);
        all.addAll(beta.next(Duration.ofMinutes(120), Traffic.none()));
        all.addAll(beta.next(Duration.ofMinutes(15), Traffic.all()));
        all.addAll(beta.next(Duration.ofMinutes(105), Traffic.none()));
        return ReplayOracle.sorted(all);
    }

    /**
     * {@code service} for {@code hours} at {@code perSecond}, all bad for {@code outage}
     * from {@code outageAt} on (one page fires, and resolves once the short window is clean).
     */
    static List<Traffic.Event> outage(final String service, final double perSecond, final Duration outageAt,
                                      final Duration outage, final Duration total) {
        final Traffic t = Traffic.of(service, perSecond, Traffic.T0);
        final List<Traffic.Event> all = new ArrayList<>(t.next(outageAt, Traffic.none()));
        all.addAll(t.next(outage, Traffic.all()));
        all.addAll(t.next(total.minus(outageAt).minus(outage), Traffic.none()));
        return all;
    }
}

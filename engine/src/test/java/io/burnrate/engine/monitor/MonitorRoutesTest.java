package io.burnrate.engine.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.testing.Specs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class MonitorRoutesTest {

    private final Object index = new Object();

    private static SloMonitor monitor(final String service) {
        return new SloMonitor(Specs.availability(service + "-availability", service, 0), Duration.ofMinutes(5));
    }

    /** 10,000 services (names that differ in their last characters, and prefixes of each other) through six doublings. */
    @Test
    void shouldFindEveryRouteByARangeOfAnyArray() {
        final MonitorRoutes routes = new MonitorRoutes();
        assertThat(routes.get(index, new byte[0], 0, 0)).isNull();
        final SloMonitor one = monitor("svc");
        final SloMonitor[] two = {monitor("two"), monitor("two")};
        for (int i = 0; i < 10_000; i++) {
            final byte[] key = ("[svc-" + i + "]").getBytes(StandardCharsets.UTF_8);
            routes.put(key, 1, key.length - 2, i % 2 == 0 ? new SloMonitor[] {one} : two);
        }
        assertThat(routes.size()).isEqualTo(10_000);
        for (int i = 0; i < 10_000; i++) {
            final byte[] event = String.format(Locale.ROOT, "{\"service\":\"svc-%d\"}", i).getBytes(StandardCharsets.UTF_8);
            final Object routed = routes.get(index, event, 12, event.length - 14);
            if (i % 2 == 0) {
                assertThat(routed).as("svc-%d", i).isSameAs(one);
            } else {
                assertThat((SloMonitor[]) routed).as("svc-%d", i).containsExactly(two).isNotSameAs(two);
            }
        }
        final byte[] absent = "svc-10000 svc-".getBytes(StandardCharsets.UTF_8);
        assertThat(routes.get(index, absent, 0, 9)).isNull();
        assertThat(routes.get(index, absent, 10, 4)).isNull();
    }

    /** Service and operation together: neither part may run into the other, and no operation is not an empty one. */
    @Test
    void shouldKeepServiceAndOperationApart() {
        final MonitorRoutes routes = new MonitorRoutes();
        final byte[] b = "abc|ab|c|".getBytes(StandardCharsets.UTF_8);
        routes.get(index, b, 0, 0);
        final SloMonitor[] abWithC = {monitor("ab-c")};
        final SloMonitor[] abWithNone = {monitor("ab-none")};
        final SloMonitor[] abWithEmpty = {monitor("ab-empty")};
        routes.put(b, 4, 2, MonitorRoutes.BY_OPERATION);                  // ab
        routes.put(b, 4, 2, 7, 1, abWithC);                                 // ab + c
        routes.put(b, 4, 2, -1, 0, abWithNone);                             // ab, no operation
        routes.put(b, 4, 2, 7, 0, abWithEmpty);                             // ab + ""
        assertThat(routes.get(index, b, 4, 2)).isSameAs(MonitorRoutes.BY_OPERATION);
        assertThat(routes.get(b, 4, 2, 7, 1)).isSameAs(abWithC[0]);
        assertThat(routes.get(b, 0, 2, 2, 1)).as("ab + c from another place").isSameAs(abWithC[0]);
        assertThat(routes.get(b, 4, 2, -1, 0)).isSameAs(abWithNone[0]);
        assertThat(routes.get(b, 4, 2, 7, 0)).isSameAs(abWithEmpty[0]);
        assertThat(routes.get(b, 0, 3, -1, 0)).as("abc, no operation").isNull();
        assertThat(routes.get(b, 4, 1, 5, 2)).as("a + bc").isNull();
        assertThat(routes.get(index, b, 0, 3)).as("abc by service").isNull();
        assertThat(routes.size()).isEqualTo(4);
    }

    @Test
    void shouldForgetEveryRouteWhenAskedAgainstAnotherIndex() {
        final MonitorRoutes routes = new MonitorRoutes();
        final byte[] key = "checkout".getBytes(StandardCharsets.UTF_8);
        routes.get(index, key, 0, key.length);
        routes.put(key, 0, key.length, new SloMonitor[] {monitor("checkout")});
        assertThat(routes.get(index, key, 0, key.length)).isNotNull();
        assertThat(routes.get(new Object(), key, 0, key.length)).isNull();
        assertThat(routes.size()).isZero();
        assertThat(routes.get(index, key, 0, key.length)).isNull();
    }
}

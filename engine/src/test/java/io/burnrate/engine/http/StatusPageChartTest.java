package io.burnrate.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.schemas.StatusSnapshot;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Node;

/**
 * The charts on an SLO's page (issue 13: both rendered empty in Chromium, because an
 * unquoted attribute value before "/>" kept each line open and the polylines became its
 * children). Every chart must be well-formed SVG whose polylines are direct children of
 * the svg element.
 */
class StatusPageChartTest {

    private static final Instant AT = Instant.parse("2026-03-02T10:00:00Z");

    private static SloView view() {
        final StatusSnapshot s = new StatusSnapshot("checkout-availability", "checkout", AT, 99.9, Duration.ofDays(30),
                List.of(new StatusSnapshot.WindowStatus(Duration.ofHours(1), 100, 10, 0.9, 100.0)), 0.5,
                Duration.ofHours(3), List.of("page-1h-5m"), Map.of());
        final List<SloView.HistoryPoint> history = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            history.add(new SloView.HistoryPoint(AT.minusSeconds(60L * (10 - i)), 0.5, Map.of("1h", 10.0 + i)));
        }
        // 30 days of burn-down, traffic only in the last two buckets
        final List<SloView.BurnDownPoint> burnDown = new ArrayList<>();
        for (int d = 0; d < 30; d++) {
            burnDown.add(new SloView.BurnDownPoint(AT.minus(Duration.ofDays(30 - d)), 1.0));
        }
        burnDown.add(new SloView.BurnDownPoint(AT.minusSeconds(600), 0.8));
        burnDown.add(new SloView.BurnDownPoint(AT, 0.5));
        return new SloView("checkout-availability", "checkout", 99.9, "30d", Map.of(),
                List.of(new SloView.Rule("page-1h-5m", "page", 14.4, "1h", "5m")), s, history, burnDown, null);
    }

    @Test
    void shouldDrawEveryChartAsWellFormedSvgWithItsLinesAsDirectChildren() throws Exception {
        final String html = StatusPage.detail(view());
        final Matcher m = Pattern.compile("<svg.*?</svg>", Pattern.DOTALL).matcher(html);
        int charts = 0;
        while (m.find()) {
            charts++;
            final Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.UTF_8)));
            int polylines = 0;
            for (Node n = svg.getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
                assertThat(n.getChildNodes().getLength() == 0 || n.getNodeName().equals("text"))
                        .as("%s holds no other element", n.getNodeName()).isTrue();
                if (n.getNodeName().equals("polyline")) {
                    polylines++;
                    assertThat(n.getAttributes().getNamedItem("points").getNodeValue().split(" ")).hasSizeGreaterThan(1);
                }
            }
            assertThat(polylines).isPositive();
        }
        assertThat(charts).isEqualTo(2);
    }

    @Test
    void shouldScaleTheBurnDownToTheDataThatExists() throws Exception {
        final String html = StatusPage.detail(view());
        final Matcher m = Pattern.compile("<svg.*?</svg>", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).isTrue();
        final Matcher points = Pattern.compile("points='([^']*)'").matcher(m.group());
        assertThat(points.find()).isTrue();
        // 30 unchanged days collapse to the last of them: 3 points, spread over the whole width
        final String[] pts = points.group(1).split(" ");
        assertThat(pts).hasSize(3);
        assertThat(Double.parseDouble(pts[1].split(",")[0])).isGreaterThan(300);
    }
}

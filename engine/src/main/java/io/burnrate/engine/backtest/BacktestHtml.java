package io.burnrate.engine.backtest;

import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.Severity;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.schemas.BacktestReport;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code backtest.html}: one self-contained page (inline CSS and SVG, no script, nothing
 * fetched): the comparison table, the incidents table and, per SLO, a chart of the burn
 * rate of every window the policies use (log scale, from the 1-minute counts, at most
 * {@value #POINTS} points: each the highest burn rate in its stretch, so short spikes
 * stay visible), the policies' thresholds as dashed lines, and below it one lane of
 * incident spans and one lane of alert spans per policy (pages red, tickets amber).
 */
public final class BacktestHtml {

    static final int POINTS = 720;
    private static final int WIDTH = 1000;
    private static final int LEFT = 84;
    private static final int RIGHT = 122;
    private static final int PLOT_H = 220;
    private static final int LANE_H = 18;
    private static final double FLOOR = 0.1;
    private static final String[] COLORS = {"#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#17becf", "#7f7f7f",
        "#bcbd22", "#e377c2", "#ff7f0e", "#393b79"};
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** What the charts are drawn from. */
    record Charts(List<SloSpec> slos, List<MinuteCounts> counts, SloExpansion.Expanded expanded,
                  List<BacktestPolicy> policies, List<AlertSpan> spans, List<Incident> incidents) {
    }

    private BacktestHtml() {
    }

    static String render(final BacktestReport report, final Charts charts) {
        final StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>burnrate back-test</title>\n")
                .append("<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}"
                        + "table{border-collapse:collapse;margin:8px 0 24px}td,th{border:1px solid #ccc;padding:4px 8px}"
                        + "th{background:#f3f3f3}td.n{text-align:right}td.missed{color:#b71c1c}"
                        + "svg{display:block;margin:4px 0 28px}.legend span{margin-right:14px}"
                        + ".sw{display:inline-block;width:12px;height:3px;vertical-align:middle;margin-right:4px}"
                        + "</style></head><body>\n")
                .append("<h1>Back-test</h1>\n<p>History ").append(esc(String.valueOf(report.from()))).append(" to ")
                .append(esc(String.valueOf(report.to()))).append(", ").append(report.events()).append(" events; incidents ")
                .append(report.incidentSource()).append(", detection grace ").append(Durations.format(
                        report.detectionGrace())).append(", flap gap ").append(Durations.format(report.flapGap()))
                .append(".</p>\n");
        comparison(h, report);
        incidents(h, report);
        for (int s = 0; s < charts.slos().size(); s++) {
            chart(h, charts, s, report);
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void comparison(final StringBuilder h, final BacktestReport report) {
        h.append("<h2>Policies</h2>\n<table id=\"policies\"><tr><th>policy</th><th>pages</th><th>tickets</th>"
                + "<th>pages/week</th><th>false pages</th><th>actionable</th><th>detected</th><th>missed</th>"
                + "<th>TTD mean</th><th>TTD p50</th><th>TTD p90</th><th>time to page p50</th><th>alert-minutes</th>"
                + "<th>flaps</th>" + (guard(report) ? "<th>guard cost (mean delay, delayed, missed, false pages "
                + "without it)</th>" : "") + "</tr>\n");
        for (final BacktestReport.Policy p : report.policies()) {
            h.append("<tr data-policy=\"").append(esc(p.name())).append("\"><td>").append(esc(p.name())).append("</td>");
            cells(h, p.pages(), p.tickets(), fmt(p.pagesPerWeek()), p.falsePages(),
                    p.actionableShare() == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * p.actionableShare()),
                    p.detectedIncidents(), p.missedIncidents(), secs(p.timeToDetect().mean()),
                    secs(p.timeToDetect().p50()), secs(p.timeToDetect().p90()), secs(p.timeToPage().p50()),
                    fmt(p.alertMinutes()), p.flaps());
            if (guard(report)) {
                final BacktestReport.GuardCost g = p.guardCost();
                if (g == null) {
                    cells(h, "-");
                } else {
                    cells(h, "+" + secs(g.meanDelay()) + ", " + g.delayedIncidents() + ", " + g.missedByGuard() + ", "
                            + g.falsePagesWithoutGuard());
                }
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    /** Whether the history guard's cost was measured (--guard-cost): its column is shown. */
    private static boolean guard(final BacktestReport report) {
        return report.policies().stream().anyMatch(p -> p.guardCost() != null);
    }

    private static void incidents(final StringBuilder h, final BacktestReport report) {
        h.append("<h2>Incidents</h2>\n<table id=\"incidents\"><tr><th>incident</th><th>start</th><th>length</th>");
        for (final BacktestReport.Policy p : report.policies()) {
            h.append("<th>").append(esc(p.name())).append("</th>");
        }
        h.append("</tr>\n");
        for (final BacktestReport.Incident i : report.incidents()) {
            h.append("<tr><td>").append(esc(i.label() == null ? "" : i.label())).append(" (").append(esc(i.service()))
                    .append(i.sloId() == null ? "" : " / " + esc(i.sloId())).append(")</td><td>")
                    .append(esc(i.start().toString())).append("</td><td>")
                    .append(Durations.elapsed(Duration.between(i.start(), i.end()))).append("</td>");
            for (final BacktestReport.Detection d : i.detections()) {
                if (d.detected()) {
                    h.append("<td>").append(secs(d.timeToDetect())).append(d.paged() ? " (page " + secs(d.timeToPage())
                            + ")" : " (ticket)").append(", ").append(fmt(d.budgetConsumedPercent()))
                            .append("% budget</td>");
                } else {
                    h.append("<td class=\"missed\">missed, ").append(fmt(d.budgetConsumedPercent()))
                            .append("% budget</td>");
                }
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static void chart(final StringBuilder h, final Charts c, final int s, final BacktestReport report) {
        final SloSpec slo = c.slos().get(s);
        final MinuteCounts counts = c.counts().get(s);
        h.append("<h2 data-slo=\"").append(esc(slo.id())).append("\">").append(esc(slo.id())).append("</h2>\n");
        if (counts.isEmpty() || report.from() == null) {
            h.append("<p>No events for this SLO.</p>\n");
            return;
        }
        final long first = Math.floorDiv(report.from().toEpochMilli(), MinuteCounts.MINUTE_MS);
        final long last = Math.floorDiv(report.to().toEpochMilli(), MinuteCounts.MINUTE_MS);
        final int n = (int) (last - first + 1);
        final int step = Math.max(1, (n + POINTS - 1) / POINTS);
        // windows and thresholds of every policy on this SLO
        final TreeSet<Duration> windows = new TreeSet<>();
        final Map<Double, List<String>> thresholds = new TreeMap<>();
        final Map<Double, Boolean> pageThreshold = new TreeMap<>();
        for (final SloExpansion.Member m : c.expanded().members().values()) {
            if (!m.original().id().equals(slo.id())) {
                continue;
            }
            for (final AlertWindow w : m.expanded().alerts()) {
                windows.add(w.longWindow());
                windows.add(w.shortWindow());
                final double t = Math.round(w.threshold(m.expanded().window()) * 100) / 100.0;
                thresholds.computeIfAbsent(t, k -> new ArrayList<>()).add(c.policies().get(m.policy()).name() + " "
                        + w.ruleName());
                pageThreshold.merge(t, w.severity() == Severity.PAGE, Boolean::logicalOr);
            }
        }
        final List<double[]> series = new ArrayList<>();
        double max = 10;
        for (final Duration w : windows) {
            final double[] v = burn(counts, slo.errorBudget(), first, n, (int) Math.max(1, w.toMinutes()), step);
            series.add(v);
            for (final double x : v) {
                max = Math.max(max, x);
            }
        }
        for (final double t : thresholds.keySet()) {
            max = Math.max(max, t);
        }
        final double top = max * 1.5;
        final int plotW = WIDTH - LEFT - RIGHT;
        final int lanes = 1 + c.policies().size();
        final int height = PLOT_H + 24 + lanes * LANE_H + 6;
        h.append("<div class=\"legend\">");
        int k = 0;
        for (final Duration w : windows) {
            h.append("<span><i class=\"sw\" style=\"background:").append(COLORS[k++ % COLORS.length]).append("\"></i>")
                    .append(Durations.format(w)).append("</span>");
        }
        h.append("<span>burn rate = bad ratio / error budget ").append(fmt(slo.errorBudget() * 100))
                .append("%, log scale</span></div>\n");
        h.append("<svg width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" font-size=\"11\" data-chart=\"").append(esc(slo.id())).append("\">\n");
        h.append("<rect x=\"").append(LEFT).append("\" y=\"0\" width=\"").append(plotW).append("\" height=\"")
                .append(PLOT_H).append("\" fill=\"#fafafa\" stroke=\"#ccc\"></rect>\n");
        for (double g = FLOOR; g <= top; g *= 10) {
            final double y = y(g, top);
            h.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + plotW).append("\" y1=\"").append(fmt(y))
                    .append("\" y2=\"").append(fmt(y)).append("\" stroke=\"#e3e3e3\"></line><text x=\"")
                    .append(LEFT - 4).append("\" y=\"").append(fmt(y + 4)).append("\" text-anchor=\"end\">")
                    .append(fmt(g)).append("</text>\n");
        }
        double labelY = Double.MAX_VALUE; // ascending thresholds go up the chart: keep their labels 11 px apart
        for (final Map.Entry<Double, List<String>> t : thresholds.entrySet()) {
            final double y = y(t.getKey(), top);
            labelY = Math.min(y + 4, labelY - 11);
            final String color = pageThreshold.get(t.getKey()) ? "#c62828" : "#ef8f00";
            h.append("<line class=\"threshold\" x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + plotW)
                    .append("\" y1=\"").append(fmt(y)).append("\" y2=\"").append(fmt(y)).append("\" stroke=\"")
                    .append(color).append("\" stroke-dasharray=\"5 4\"><title>").append(esc(String.join(", ",
                            t.getValue()))).append("</title></line><text x=\"").append(LEFT + plotW + 4)
                    .append("\" y=\"").append(fmt(labelY)).append("\" fill=\"").append(color).append("\">")
                    .append(fmt(t.getKey())).append(" (").append(t.getValue().size()).append(t.getValue().size() == 1
                            ? " rule" : " rules").append(")</text>\n");
        }
        k = 0;
        for (final double[] v : series) {
            h.append("<polyline fill=\"none\" stroke-width=\"1.2\" stroke=\"").append(COLORS[k++ % COLORS.length])
                    .append("\" points=\"");
            for (int i = 0; i < v.length; i++) {
                h.append(fmt(LEFT + (double) plotW * i / Math.max(1, v.length - 1))).append(',')
                        .append(fmt(y(v[i], top))).append(' ');
            }
            h.append("\"></polyline>\n");
        }
        final long t0 = first * MinuteCounts.MINUTE_MS;
        final double span = (double) n * MinuteCounts.MINUTE_MS;
        for (int i = 0; i <= 5; i++) {
            final double x = LEFT + plotW * i / 5.0;
            h.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(PLOT_H + 14).append("\" text-anchor=\"middle\">")
                    .append(DAY.format(Instant.ofEpochMilli(t0 + (long) (span * i / 5)))).append("</text>\n");
        }
        int lane = 0;
        laneLabel(h, lane, "incidents");
        for (final Incident i : c.incidents()) {
            if (i.concerns(slo)) {
                rect(h, lane, i.start().toEpochMilli(), i.end().toEpochMilli(), t0, span, plotW, "#5c6bc0", "incident",
                        (i.label() == null ? "incident" : i.label()) + " " + i.start() + " - " + i.end());
            }
        }
        for (int p = 0; p < c.policies().size(); p++) {
            lane++;
            laneLabel(h, lane, c.policies().get(p).name());
            for (final AlertSpan a : c.spans()) {
                if (a.member().policy() == p && a.member().original().id().equals(slo.id())) {
                    rect(h, lane, a.start(), a.end(), t0, span, plotW, a.severity() == Severity.PAGE ? "#c62828"
                            : "#ef8f00", "alert " + a.severity().wire(), a.rule() + " " + Instant.ofEpochMilli(a.start())
                            + " - " + (a.open() ? "end of input" : Instant.ofEpochMilli(a.end())));
                }
            }
        }
        h.append("</svg>\n");
    }

    /** Burn rate of the {@code window}-minute window ending at each minute, the highest per {@code step} minutes. */
    static double[] burn(final MinuteCounts c, final double budget, final long first, final int n, final int window,
                         final int step) {
        final long[] total = new long[n + 1];
        final long[] bad = new long[n + 1];
        for (int i = 0; i < n; i++) {
            total[i + 1] = total[i] + c.total(first + i);
            bad[i + 1] = bad[i] + c.bad(first + i);
        }
        final double[] out = new double[(n + step - 1) / step];
        for (int i = 0; i < n; i++) {
            final int lo = Math.max(0, i + 1 - window);
            final long t = total[i + 1] - total[lo];
            final double b = t == 0 ? 0 : (double) (bad[i + 1] - bad[lo]) / t / budget;
            out[i / step] = Math.max(out[i / step], b);
        }
        return out;
    }

    private static double y(final double value, final double top) {
        final double v = Math.max(FLOOR, value);
        return PLOT_H - PLOT_H * (Math.log10(v) - Math.log10(FLOOR)) / (Math.log10(top) - Math.log10(FLOOR));
    }

    private static void laneLabel(final StringBuilder h, final int lane, final String label) {
        h.append("<text x=\"").append(LEFT - 4).append("\" y=\"").append(PLOT_H + 24 + lane * LANE_H + 12)
                .append("\" text-anchor=\"end\">").append(esc(label.length() > 13 ? label.substring(0, 11) + ".." : label))
                .append("<title>").append(esc(label)).append("</title></text>\n");
    }

    private static void rect(final StringBuilder h, final int lane, final long from, final long to, final long t0,
                             final double span, final int plotW, final String color, final String cls,
                             final String title) {
        final double x = LEFT + plotW * Math.max(0, from - t0) / span;
        final double w = Math.max(2, plotW * (to - Math.max(from, t0)) / span);
        h.append("<rect class=\"").append(cls).append("\" x=\"").append(fmt(x)).append("\" y=\"")
                .append(PLOT_H + 24 + lane * LANE_H + 2).append("\" width=\"").append(fmt(Math.min(w, LEFT + plotW - x)))
                .append("\" height=\"").append(LANE_H - 4).append("\" fill=\"").append(color).append("\"><title>")
                .append(esc(title)).append("</title></rect>\n");
    }

    private static void cells(final StringBuilder h, final Object... values) {
        for (final Object v : values) {
            h.append("<td class=\"n\">").append(esc(String.valueOf(v))).append("</td>");
        }
    }

    static String secs(final Double s) {
        return s == null ? "-" : Durations.elapsed(Duration.ofMillis(Math.round(s * 1000)));
    }

    /** A number for the page: whole numbers without decimals, others to two places without trailing zeros. */
    private static String fmt(final double v) {
        if (v >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        final String s = String.format(Locale.ROOT, "%.2f", v);
        return s.endsWith("0") ? s.substring(0, s.length() - 1) : s;
    }

    private static String esc(final String s) {
        final StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            final char ch = s.charAt(i);
            switch (ch) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}

package io.burnrate.engine.http;

import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.Severity;
import io.burnrate.engine.slo.SloRegistry;
import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.ComplianceSummary;
import io.burnrate.schemas.StatusSnapshot;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The built-in status page: plain server-rendered HTML with inline CSS, a few lines of
 * JavaScript (sort, filter, refresh) and SVG charts. Loads without internet access.
 */
final class StatusPage {

    private static final String TICKET = Severity.TICKET.wire();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final String STYLE = "<style>"
            + "body{font:14px system-ui,sans-serif;margin:24px;color:#1d2330;background:#fafbfc}"
            + "h1{font-size:20px;margin:0 0 12px}a{color:#1f5fbf;text-decoration:none}"
            + "table{border-collapse:collapse;width:100%;background:#fff}"
            + "th,td{padding:6px 10px;border-bottom:1px solid #e3e6ea;text-align:left;white-space:nowrap}"
            + "th{cursor:pointer;background:#f0f2f5;user-select:none}td.num{text-align:right;font-variant-numeric:tabular-nums}"
            + ".bar{width:120px;height:10px;background:#eceff3;border-radius:5px;display:inline-block;vertical-align:middle}"
            + ".bar i{display:block;height:10px;border-radius:5px}"
            + ".firing{background:#c62828;color:#fff;border-radius:3px;padding:1px 6px;margin-right:4px;font-size:12px;"
            + "white-space:nowrap;display:inline-block}"
            + ".ticket{background:#ef6c00}.ok{color:#2e7d32}.muted{color:#7a8290}"
            + "input{padding:6px 8px;width:280px;margin-bottom:12px;border:1px solid #c9ced6;border-radius:4px}"
            + "svg{background:#fff;border:1px solid #e3e6ea;margin:8px 0}td:last-child{white-space:normal}"
            + "</style>";

    /**
     * Sent with every page: nothing loads from anywhere, and the only script that runs is
     * the page's own (by hash), so markup that slipped into an SLO string could not run.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src '"
            + scriptHash() + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private StatusPage() {
    }

    private static String scriptHash() {
        final String body = SCRIPT.substring("<script>".length(), SCRIPT.length() - "</script>".length());
        try {
            return "sha256-" + Base64.getEncoder().encodeToString(MessageDigest
                    .getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String index(final List<SloView> slos) {
        return index(slos, List.of());
    }

    /** The index, with a warning per SLO whose latest document on the SLO topic was refused. */
    static String index(final List<SloView> slos,
                        final Collection<SloRegistry.Invalid> invalid) {
        final Set<String> longWindows = new LinkedHashSet<>();
        slos.forEach(v -> v.rules().forEach(r -> longWindows.add(r.longWindow())));
        final StringBuilder b = new StringBuilder();
        b.append("<!doctype html><html><head><meta charset=utf-8><title>burnrate: SLO status</title>").append(STYLE)
                .append("</head><body><h1>burnrate: SLO status</h1>");
        for (final var i : invalid) {
            b.append("<p class=invalid><span class=firing>invalid definition</span> SLO <b>").append(esc(
                    SloSpecParser.quote(i.id()))).append("</b>: the SLO topic holds a refused "
                    + "document (").append(esc(i.reason())).append(", offset ").append(i.offset()).append("); ")
                    .append(i.keptPrevious() ? "the last valid version stays in force" : "no valid version: not evaluated")
                    .append(". ").append(esc(i.detail())).append("</p>");
        }
        b
                .append("<input id=filter placeholder='filter: name, service, team, tier, firing' autofocus>")
                .append("<table id=slos><thead><tr>");
        final List<String> headers = new ArrayList<>(List.of("SLO", "service", "team", "tier", "objective",
                "SLI (window)", "budget left"));
        longWindows.forEach(w -> headers.add("burn " + w));
        headers.add("firing");
        for (int i = 0; i < headers.size(); i++) {
            b.append("<th data-col=").append(i).append(">").append(esc(headers.get(i))).append("</th>");
        }
        b.append("</tr></thead><tbody>");
        for (final SloView v : slos) {
            final StatusSnapshot s = v.status();
            b.append("<tr class=slo data-slo='").append(esc(v.id())).append("'>");
            cell(b, "<a href='/slos/" + esc(url(v.id())) + "'>" + esc(v.id()) + "</a>", v.id(), false);
            cell(b, esc(v.service()), v.service(), false);
            cell(b, esc(v.labels().getOrDefault("team", "")), v.labels().getOrDefault("team", ""), false);
            cell(b, esc(v.labels().getOrDefault("tier", "")), v.labels().getOrDefault("tier", ""), false);
            cell(b, fmt(v.objective()) + "%", Double.toString(v.objective()), true);
            if (s == null) {
                cell(b, "<span class=muted>no traffic yet</span>", "", false);
                cell(b, "", "", false);
                longWindows.forEach(w -> cell(b, "", "", true));
                cell(b, "", "", false);
            } else {
                final StatusSnapshot.WindowStatus sloWindow = s.windows().get(s.windows().size() - 1);
                cell(b, sloWindow.sli() == null ? "–" : pct(sloWindow.sli(), 3) + " ("
                        + Durations.format(sloWindow.window()) + ")",
                        sloWindow.sli() == null ? "" : Double.toString(sloWindow.sli()), true);
                cell(b, bar(s.errorBudgetRemaining()) + " " + pct(s.errorBudgetRemaining(), 1),
                        Double.toString(s.errorBudgetRemaining()), true);
                for (final String w : longWindows) {
                    final Double burn = burnOf(s, w);
                    cell(b, burn == null ? "" : fmt(burn) + "x", burn == null ? "" : Double.toString(burn), true);
                }
                final StringBuilder firing = new StringBuilder();
                for (final String rule : s.firing()) {
                    firing.append("<span class='firing").append(isTicket(v, rule) ? " ticket" : "")
                            .append("'>").append(esc(rule)).append("</span>");
                }
                cell(b, firing.length() == 0 ? "<span class=ok>ok</span>" : firing.toString(),
                        String.join(" ", s.firing()), false);
            }
            b.append("</tr>");
        }
        b.append("</tbody></table><p class=muted>").append(slos.size())
                .append(" SLOs; refreshes every 10 s. JSON: <a href='/api/v1/slos'>/api/v1/slos</a>, metrics: "
                        + "<a href='/metrics'>/metrics</a></p>")
                .append(SCRIPT).append("</body></html>");
        return b.toString();
    }

    private static final String SCRIPT = "<script>"
            + "const t=document.getElementById('slos'),f=document.getElementById('filter');"
            + "const st=JSON.parse(sessionStorage.getItem('burnrate')||'{}');f.value=st.q||'';"
            + "function apply(){const q=f.value.toLowerCase();for(const r of t.tBodies[0].rows){"
            + "r.style.display=r.innerText.toLowerCase().includes(q)?'':'none'}}"
            + "function sort(c,d){const rows=[...t.tBodies[0].rows];rows.sort((a,b)=>{"
            + "const x=a.cells[c].dataset.v,y=b.cells[c].dataset.v,nx=parseFloat(x),ny=parseFloat(y);"
            + "const r=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);return d?-r:r});"
            + "rows.forEach(r=>t.tBodies[0].appendChild(r))}"
            + "for(const th of t.tHead.rows[0].cells){th.onclick=()=>{const c=+th.dataset.col;"
            + "st.d=(st.c===c)?!st.d:false;st.c=c;save();sort(c,st.d)}}"
            + "function save(){st.q=f.value;sessionStorage.setItem('burnrate',JSON.stringify(st))}"
            + "f.oninput=()=>{save();apply()};if(st.c!==undefined)sort(st.c,st.d);apply();"
            + "setTimeout(()=>location.reload(),10000);"
            + "</script>";

    static String detail(final SloView v) {
        final StringBuilder b = new StringBuilder();
        b.append("<!doctype html><html><head><meta charset=utf-8><meta http-equiv=refresh content=10><title>")
                .append(esc(v.id())).append(" – burnrate</title>").append(STYLE).append("</head><body>")
                .append("<p><a href='/'>← all SLOs</a></p><h1>").append(esc(v.id())).append("</h1><p>service <b>")
                .append(esc(v.service())).append("</b>, objective <b>").append(fmt(v.objective()))
                .append("%</b> over <b>").append(esc(v.window())).append("</b>");
        v.labels().forEach((k, val) -> b.append(", ").append(esc(k)).append(" <b>").append(esc(val)).append("</b>"));
        b.append("</p>");
        final StatusSnapshot s = v.status();
        if (s == null) {
            b.append("<p class=muted>No traffic evaluated for this SLO yet.</p></body></html>");
            return b.toString();
        }
        b.append("<p>as of ").append(TIME.format(s.at())).append(" (event time): error budget left <b>")
                .append(pct(s.errorBudgetRemaining(), 1)).append("</b>")
                .append(s.timeToExhaustion() == null ? "" : ", exhausted in " + esc(String.valueOf(s.timeToExhaustion())))
                .append("</p><table><thead><tr><th>rule</th><th>severity</th><th>long</th><th>short</th>"
                        + "<th>threshold</th><th>burn long</th><th>burn short</th><th>state</th></tr></thead><tbody>");
        for (final SloView.Rule r : v.rules()) {
            final boolean firing = s.firing().contains(r.name());
            b.append("<tr><td>").append(esc(r.name())).append("</td><td>").append(esc(r.severity())).append("</td><td>")
                    .append(esc(r.longWindow())).append("</td><td>").append(esc(r.shortWindow()))
                    .append("</td><td class=num>")
                    .append(fmt(r.threshold())).append("x</td><td class=num>").append(fmtOr(burnOf(s, r.longWindow())))
                    .append("</td><td class=num>").append(fmtOr(burnOf(s, r.shortWindow()))).append("</td><td>")
                    .append(firing ? "<span class='firing" + (TICKET.equals(r.severity()) ? " ticket" : "") + "'>firing</span>"
                            : "<span class=ok>ok</span>").append("</td></tr>");
        }
        b.append("</tbody></table>");
        why(b, v.alerts());
        if (v.compliance() != null && !v.compliance().isEmpty()) {
            b.append("<h2>Compliance (latest closed period of each kind)</h2><table><thead><tr><th>period</th>"
                    + "<th>from</th><th>to</th><th>requests</th><th>attainment</th><th>met</th><th>budget left</th>"
                    + "<th>p99</th><th>bad minutes</th><th>alerts</th><th>in alert</th></tr></thead><tbody>");
            for (final ComplianceSummary c : v.compliance()) {
                b.append("<tr><td>").append(esc(c.period().kind())).append("</td><td>").append(TIME.format(c.period().start()))
                        .append("</td><td>").append(TIME.format(c.period().end())).append("</td><td class=num>")
                        .append(c.total()).append("</td><td class=num>")
                        .append(c.sli() == null ? "–" : pct(c.sli(), 4)).append("</td><td>")
                        .append(c.met() ? "<span class=ok>yes</span>" : "<span class=firing>no</span>")
                        .append("</td><td class=num>").append(pct(c.errorBudget().remainingFraction(), 1))
                        .append("</td><td class=num>").append(c.latency().p99Ms() == null ? "–"
                                : fmt(Math.round(c.latency().p99Ms() * 10) / 10.0) + " ms")
                        .append("</td><td class=num>").append(c.badMinutes()).append("</td><td>")
                        .append(c.alerts().page()).append(" page, ").append(c.alerts().ticket()).append(" ticket")
                        .append("</td><td>").append(Durations.elapsed(c.timeInAlert())).append("</td></tr>");
            }
            b.append("</tbody></table>");
        }
        b.append("<h2>Error budget burn-down over the ").append(esc(v.window()))
                .append(" window</h2>");
        final List<double[]> budget = new ArrayList<>();
        if (v.burnDown() != null) {
            v.burnDown().forEach(p -> budget.add(new double[] {p.start().toEpochMilli(), p.errorBudgetRemaining() * 100}));
        }
        // the time axis covers the data that exists: a 30-day window with an hour of traffic
        // would otherwise draw a flat line with a cliff in its last pixel
        int first = 0;
        while (first < budget.size() - 2 && budget.get(first + 1)[1] == budget.get(0)[1]) {
            first++;
        }
        budget.subList(0, first).clear();
        b.append(chart(List.of(budget), List.of("#1f5fbf"), List.of("budget left %"), List.of()));
        b.append("<h2>Burn rate per long window (recent history)</h2>");
        final List<List<double[]>> series = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        final List<Double> thresholds = new ArrayList<>();
        for (final SloView.Rule r : v.rules()) {
            final List<double[]> pts = new ArrayList<>();
            if (v.history() != null) {
                v.history().forEach(p -> {
                    final Double burn = p.burnRates().get(r.longWindow());
                    if (burn != null) {
                        pts.add(new double[] {p.at().toEpochMilli(), burn});
                    }
                });
            }
            series.add(pts);
            names.add(r.longWindow() + " (threshold " + fmt(r.threshold()) + ")");
            thresholds.add(r.threshold());
        }
        b.append(chart(series, List.of("#c62828", "#ef6c00", "#6a1b9a", "#2e7d32", "#00838f"), names, thresholds));
        b.append("<p class=muted>JSON: <a href='/api/v1/slos/").append(esc(url(v.id()))).append("'>/api/v1/slos/")
                .append(esc(v.id())).append("</a></p></body></html>");
        return b.toString();
    }

    static String notFound(final String id) {
        return "<!doctype html><html><head><meta charset=utf-8><title>not found</title>" + STYLE
                + "</head><body><p><a href='/'>← all SLOs</a></p><h1>No SLO named " + esc(id) + "</h1></body></html>";
    }

    /** A small line chart: series of (epoch ms, value) with dashed horizontal thresholds. */
    private static String chart(final List<List<double[]>> series, final List<String> colors, final List<String> names,
                                final List<Double> thresholds) {
        final int w = 720;
        final int h = 220;
        final int pad = 40;
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = 0;
        double maxY = 1;
        for (final List<double[]> s : series) {
            for (final double[] p : s) {
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        for (final double t : thresholds) {
            maxY = Math.max(maxY, t * 1.1);
        }
        if (minX == Double.MAX_VALUE) {
            return "<p class=muted>no history yet</p>";
        }
        if (maxX == minX) {
            maxX = minX + 1;
        }
        final double x0 = minX;
        final double xs = (w - 2.0 * pad) / (maxX - minX);
        final double ys = (h - 2.0 * pad) / (maxY - minY);
        final double yBase = maxY;
        // every attribute quoted: in HTML an unquoted value swallows the "/" of "/>", the element
        // stays open and the lines after it become its children, which are not drawn
        final StringBuilder b = new StringBuilder("<svg width='" + w + "' height='" + h + "' viewBox='0 0 " + w + " "
                + h + "' role='img'>");
        b.append(String.format(Locale.ROOT, "<text x='4' y='%d' font-size='11' fill='#7a8290'>%s</text>", pad,
                fmt(maxY)));
        b.append(String.format(Locale.ROOT, "<text x='4' y='%d' font-size='11' fill='#7a8290'>%s</text>", h - pad,
                fmt(minY)));
        b.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#c9ced6'/>", pad,
                pad + (yBase - 0) * ys, w - pad, pad + (yBase - 0) * ys));
        for (int i = 0; i < thresholds.size(); i++) {
            final double y = pad + (yBase - thresholds.get(i)) * ys;
            b.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='%s' "
                    + "stroke-dasharray='4 4' opacity='.6'/>", pad, y, w - pad, y, colors.get(i % colors.size())));
        }
        for (int i = 0; i < series.size(); i++) {
            final StringBuilder pts = new StringBuilder();
            for (final double[] p : series.get(i)) {
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", pad + (p[0] - x0) * xs, pad + (yBase - p[1]) * ys));
            }
            b.append("<polyline fill='none' stroke-width='2' stroke='").append(colors.get(i % colors.size()))
                    .append("' points='").append(pts.toString().trim()).append("'/>");
            b.append(String.format(Locale.ROOT, "<text x='%d' y='%d' font-size='11' fill='%s'>%s</text>",
                    pad + 4 + 150 * i, h - 8, colors.get(i % colors.size()), esc(names.get(i))));
        }
        return b.append("</svg>").toString();
    }

    /** Whether {@code rule} is one of the SLO's ticket rules (tickets are drawn in a milder colour). */
    /** Per firing rule: budget consumed since it started, then the top contributors of both windows. */
    private static void why(final StringBuilder b, final List<AlertTransition> alerts) {
        if (alerts == null || alerts.isEmpty()) {
            return;
        }
        b.append("<h2>Why it fires</h2>");
        for (final AlertTransition a : alerts) {
            b.append("<p><b>").append(esc(a.rule())).append("</b> since ")
                    .append(a.startsAt() == null ? "" : TIME.format(a.startsAt())).append(": ")
                    .append(esc(fmt(a.budgetConsumedPercent()))).append("% of the error budget consumed</p>");
            final AlertTransition.Contributors c = a.contributors();
            if (c == null) {
                b.append("<p class=muted>No bad event counted for contributors.</p>");
                continue;
            }
            b.append("<table class=why><thead><tr><th>window</th><th>dimension</th><th>value</th><th>bad events</th>"
                    + "<th>share</th></tr></thead><tbody>");
            for (final AlertTransition.Window w : List.of(c.shortWindow(), c.longWindow())) {
                for (final AlertTransition.Dimension d : w.dimensions()) {
                    for (final AlertTransition.Contributor x : d.top()) {
                        b.append("<tr><td>").append(esc(String.valueOf(w.window()))).append("</td><td>")
                                .append(esc(d.dimension())).append("</td><td>").append(esc(x.value()))
                                .append("</td><td class=num>").append(x.badEvents()).append(" of ").append(w.badEvents())
                                .append("</td><td class=num>").append(pct(x.share(), 1)).append("</td></tr>");
                    }
                }
            }
            b.append("</tbody></table>");
            if (c.since() != null) {
                b.append("<p class=muted>counted since ").append(TIME.format(c.since())).append("</p>");
            }
        }
    }

    private static boolean isTicket(final SloView v, final String rule) {
        for (final SloView.Rule r : v.rules()) {
            if (r.name().equals(rule)) {
                return TICKET.equals(r.severity());
            }
        }
        return false;
    }

    private static Double burnOf(final StatusSnapshot s, final String window) {
        for (final StatusSnapshot.WindowStatus w : s.windows()) {
            if (Durations.format(w.window()).equals(window)) {
                return w.burnRate();
            }
        }
        return null;
    }

    private static void cell(final StringBuilder b, final String html, final String sortValue, final boolean num) {
        b.append("<td").append(num ? " class=num" : "").append(" data-v='").append(esc(sortValue)).append("'>")
                .append(html).append("</td>");
    }

    private static String bar(final double remaining) {
        final double f = Math.max(0, Math.min(1, remaining));
        final String color = remaining > 0.5 ? "#2e7d32" : remaining > 0.25 ? "#f9a825" : remaining > 0 ? "#ef6c00"
                : "#c62828";
        return String.format(Locale.ROOT, "<span class=bar><i style='width:%.0f%%;background:%s'></i></span>", f * 100,
                color);
    }

    private static String pct(final double fraction, final int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f%%", fraction * 100);
    }

    private static String fmtOr(final Double d) {
        return d == null ? "" : fmt(d) + "x";
    }

    private static String fmt(final double d) {
        if (Double.isNaN(d)) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2f", d).replaceAll("\\.?0+$", "");
    }

    /** A path segment, percent-encoded. */
    private static String url(final String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String esc(final String s) {
        if (s == null) {
            return "";
        }
        final StringBuilder b = new StringBuilder(s.length());
        for (final char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '\'' -> b.append("&#39;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}

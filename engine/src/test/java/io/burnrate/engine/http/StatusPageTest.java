package io.burnrate.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.schemas.StatusSnapshot;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every SLO-provided string reaches the page as text, never as markup. */
class StatusPageTest {

    private static final String XSS = "<script>alert('x')</script>";
    private static final String ATTR = "' onmouseover='alert(1)";

    private static SloView hostile() {
        final String id = "pay" + XSS;
        final StatusSnapshot s = new StatusSnapshot(id, "svc" + XSS, Instant.parse("2024-05-01T10:00:00Z"), 99.9,
                Duration.ofDays(30), List.of(new StatusSnapshot.WindowStatus(Duration.ofHours(1), 100, 10, 0.9, 100.0),
                        new StatusSnapshot.WindowStatus(Duration.ofDays(30), 100, 10, 0.9, 100.0)),
                0.5, Duration.ofHours(3), List.of("page" + XSS), Map.of("team", "t" + XSS));
        return new SloView(id, "svc" + XSS, 99.9, "30d" + XSS, Map.of("team", "t" + XSS, "tier" + ATTR, ATTR + XSS),
                List.of(new SloView.Rule("page" + XSS, "page" + XSS, 14.4, "1h" + XSS, "5m" + XSS)), s,
                List.of(new SloView.HistoryPoint(Instant.parse("2024-05-01T09:59:00Z"), 0.5, Map.of("1h", 100.0))),
                List.of(new SloView.BurnDownPoint(Instant.parse("2024-05-01T09:00:00Z"), 0.5)), null);
    }

    private static void assertInert(final String html, final int ownScripts) {
        assertThat(html).doesNotContain(XSS).doesNotContain("<script>alert").doesNotContain("' onmouseover=")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        assertThat(count(html, "<script")).isEqualTo(ownScripts);
    }

    private static int count(final String s, final String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void shouldEscapeSloNamesLabelsRulesAndWindowsOnEveryPage() {
        assertInert(StatusPage.index(List.of(hostile())), 1);
        final String detail = StatusPage.detail(hostile());
        assertInert(detail, 0);
        assertThat(detail).contains("/api/v1/slos/pay%3Cscript%3Ealert%28%27x%27%29%3C%2Fscript%3E");
        assertInert(StatusPage.notFound("pay" + XSS), 0);
    }

    @Test
    void shouldAllowOnlyThePagesOwnScriptByHash() throws Exception {
        final String html = StatusPage.index(List.of());
        final Matcher m = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).isTrue();
        final String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(m.group(1).getBytes(StandardCharsets.UTF_8)));
        assertThat(StatusPage.CONTENT_SECURITY_POLICY).contains("script-src 'sha256-" + hash + "'")
                .contains("default-src 'none'").doesNotContain("unsafe-eval");
        assertThat(StatusPage.CONTENT_SECURITY_POLICY.split("script-src")[1].split(";")[0])
                .doesNotContain("unsafe-inline");
    }
}

package io.burnrate.engine.slo.openslo;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenSLO's duration shorthand: a whole number and a case-sensitive unit, {@code m}
 * (minute), {@code h}, {@code d}, {@code w}, {@code M} (month), {@code Q}, {@code Y}.
 * Months, quarters and years have no fixed length, so only the calendar window reads
 * them ({@link #unit}); everything else asks for a fixed {@link #fixed} duration.
 */
final class OpenSloDurations {

    private static final Pattern SHORTHAND = Pattern.compile("([0-9]{1,6})([smhdwMQY])");

    private OpenSloDurations() {
    }

    /** {@code [amount, unit]}, or null when {@code text} is not shorthand. */
    static String[] split(final String text) {
        final Matcher m = SHORTHAND.matcher(text == null ? "" : text.trim());
        return m.matches() ? new String[] {m.group(1), m.group(2)} : null;
    }

    /** The unit of {@code text} ({@code w}, {@code M}, ...), or null. */
    static String unit(final String text) {
        final String[] s = split(text);
        return s == null ? null : s[1];
    }

    /**
     * A fixed-length duration ({@code s}, {@code m}, {@code h}, {@code d}, {@code w}).
     *
     * @throws IllegalArgumentException naming the value and what to write instead
     */
    static Duration fixed(final String text) {
        final String[] s = split(text);
        if (s == null) {
            throw new IllegalArgumentException("'" + text + "' is not an OpenSLO duration (a number and one of s, m, h, d, "
                    + "w, M, Q, Y, e.g. 5m, 1h, 28d)");
        }
        final long n = Long.parseLong(s[0]);
        switch (s[1]) {
            case "s": return Duration.ofSeconds(n);
            case "m": return Duration.ofMinutes(n);
            case "h": return Duration.ofHours(n);
            case "d": return Duration.ofDays(n);
            case "w": return Duration.ofDays(7 * n);
            default:
                throw new IllegalArgumentException("'" + text + "' has no fixed length (M, Q and Y are calendar units): "
                        + "write it in m, h, d or w");
        }
    }
}

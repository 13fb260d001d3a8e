package io.burnrate.engine.slo;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The short duration syntax SRE specs use ({@code 5m}, {@code 1h}, {@code 30d}), both ways. */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d+)([smhdw])");

    private Durations() {
    }

    /** Parses {@code 30s}, {@code 5m}, {@code 1h}, {@code 3d}, {@code 1w} or an ISO-8601 duration. */
    public static Duration parse(final String text) {
        final String trimmed = text.trim().toLowerCase(Locale.ROOT);
        final Matcher m = SHORT.matcher(trimmed);
        if (m.matches()) {
            // 10 digits of days is already 27 million years: longer is a typo, not a window
            if (m.group(1).length() > 10) {
                throw new IllegalArgumentException("'" + text + "' is too long a duration");
            }
            final long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "s": return Duration.ofSeconds(n);
                case "m": return Duration.ofMinutes(n);
                case "h": return Duration.ofHours(n);
                case "d": return Duration.ofDays(n);
                default: return Duration.ofDays(7 * n);
            }
        }
        if (trimmed.startsWith("p")) {
            try {
                return Duration.parse(trimmed.toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                // fall through to the common message
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 5m, 1h, 30d)");
    }

    /** A measured duration for people, to the second: {@code 9h50m}, {@code 29m19s}, {@code 0s}. */
    public static String elapsed(final Duration d) {
        final long s = d == null ? 0 : d.toSeconds();
        if (s == 0) {
            return "0s";
        }
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    /** The largest whole unit: 1d, 6h, 30m, 45s; used in rule names such as {@code page-1h-5m}. */
    public static String format(final Duration d) {
        final long s = d.getSeconds();
        if (s != 0 && s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s != 0 && s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        if (s != 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}

package io.burnrate.loadtest.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** A Markdown table, padded so it also reads well on a terminal. */
public final class Table {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(final String... header) {
        this.header = Arrays.asList(header);
    }

    public Table row(final Object... cells) {
        final List<String> r = new ArrayList<>();
        for (final Object c : cells) {
            r.add(c == null ? "–" : c.toString());
        }
        rows.add(r);
        return this;
    }

    public int size() {
        return rows.size();
    }

    public List<List<String>> rows() {
        return rows;
    }

    @Override
    public String toString() {
        final int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.max(3, header.get(i).length());
            for (final List<String> r : rows) {
                if (i < r.size()) {
                    w[i] = Math.max(w[i], r.get(i).length());
                }
            }
        }
        final StringBuilder b = new StringBuilder();
        line(b, header, w);
        b.append('|');
        for (final int x : w) {
            b.append(' ').append("-".repeat(x)).append(" |");
        }
        b.append('\n');
        for (final List<String> r : rows) {
            line(b, r, w);
        }
        return b.toString();
    }

    private static void line(final StringBuilder b, final List<String> cells, final int[] w) {
        b.append('|');
        for (int i = 0; i < w.length; i++) {
            final String c = i < cells.size() ? cells.get(i) : "";
            b.append(' ').append(c).append(" ".repeat(w[i] - c.length())).append(" |");
        }
        b.append('\n');
    }

    // ---- number formatting shared by the benchmarks ----

    public static String count(final double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    public static String ratio(final double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    public static String percent(final double v) {
        return String.format(Locale.ROOT, "%+.1f %%", v * 100);
    }

    public static String bytes(final double v) {
        if (v >= 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.2f GiB", v / (1024.0 * 1024 * 1024));
        }
        if (v >= 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", v / (1024.0 * 1024));
        }
        if (v >= 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", v / 1024.0);
        }
        return String.format(Locale.ROOT, "%.0f B", v);
    }

    public static String seconds(final double v) {
        return String.format(Locale.ROOT, "%.1f s", v);
    }

    public static String millis(final double v) {
        return String.format(Locale.ROOT, "%.0f ms", v);
    }

    public static double median(final List<Double> values) {
        final List<Double> s = new ArrayList<>(values);
        s.sort(null);
        if (s.isEmpty()) {
            return Double.NaN;
        }
        final int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** Nearest-rank percentile (p in 0..100) of sorted or unsorted values. */
    public static double percentile(final List<Double> values, final double p) {
        final List<Double> s = new ArrayList<>(values);
        s.sort(null);
        if (s.isEmpty()) {
            return Double.NaN;
        }
        final int rank = (int) Math.ceil(p / 100.0 * s.size());
        return s.get(Math.max(0, Math.min(s.size() - 1, rank - 1)));
    }
}

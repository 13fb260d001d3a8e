package io.burnrate.engine.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table whose column widths come from its cells, so long or negative values do not shift columns. */
final class Table {

    private final String[] header;
    private final boolean[] right;
    /** Rows (String[]) and notes (a String printed as it is, not counted in the widths), in order. */
    private final List<Object> rows = new ArrayList<>();

    /** {@code header} names the columns; a name starting with {@code >} is right-aligned (the {@code >} not shown). */
    Table(final String... header) {
        this.header = new String[header.length];
        this.right = new boolean[header.length];
        for (int i = 0; i < header.length; i++) {
            right[i] = header[i].startsWith(">");
            this.header[i] = right[i] ? header[i].substring(1) : header[i];
        }
    }

    /** One row; its cells in the header's order, or fewer (the rest empty). */
    Table row(final Object... cells) {
        final String[] r = new String[header.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
        }
        rows.add(r);
        return this;
    }

    /** A line printed as it is after the rows so far, e.g. details of the row above; not counted in the widths. */
    Table note(final String line) {
        rows.add(line);
        return this;
    }

    /** The header and every row; the last column is not padded. */
    void print(final PrintWriter out) {
        final int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
            for (final Object r : rows) {
                if (r instanceof String[] cells) {
                    width[i] = Math.max(width[i], cells[i].length());
                }
            }
        }
        line(out, header, width);
        for (final Object r : rows) {
            if (r instanceof String[] cells) {
                line(out, cells, width);
            } else {
                out.println(r);
            }
        }
    }

    private void line(final PrintWriter out, final String[] cells, final int[] width) {
        final StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                b.append(' ');
            }
            final String pad = " ".repeat(width[i] - cells[i].length());
            if (right[i]) {
                b.append(pad).append(cells[i]);
            } else {
                b.append(cells[i]).append(i == cells.length - 1 ? "" : pad);
            }
        }
        out.println(b.toString().stripTrailing());
    }
}

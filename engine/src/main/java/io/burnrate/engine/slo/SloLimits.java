package io.burnrate.engine.slo;

/**
 * Limits that keep SLO definitions from exhausting engine state. Each has a setting
 * ({@code burnrate.yaml} / {@code slo validate|apply} option) and a documented default;
 * a rejection names the setting.
 *
 * @param maxSlos            SLOs one engine holds (and one file may define): each costs
 *                           a registry entry, state-store keys and metric series
 * @param maxSelectorEntries conditions in one SLO's {@code spec.selector}
 * @param maxSelectorBytes   UTF-8 bytes of one selector's keys and values together
 * @param maxFileBytes       size of one SLO file or topic document
 */
public record SloLimits(int maxSlos, int maxSelectorEntries, int maxSelectorBytes, long maxFileBytes) {

    public static final String MAX_SLOS = "slo.max-slos";
    public static final String MAX_SELECTOR_ENTRIES = "slo.max-selector-entries";
    public static final String MAX_SELECTOR_BYTES = "slo.max-selector-bytes";
    public static final String MAX_FILE_BYTES = "slo.max-file-bytes";

    public static final SloLimits DEFAULTS = new SloLimits(100_000, 64, 1024, 16L * 1024 * 1024);

    public SloLimits {
        if (maxSlos < 1 || maxSelectorEntries < 0 || maxSelectorBytes < 0 || maxFileBytes < 1) {
            throw new IllegalArgumentException("SLO limits must be positive: " + MAX_SLOS + "=" + maxSlos + ", "
                    + MAX_SELECTOR_ENTRIES + "=" + maxSelectorEntries + ", " + MAX_SELECTOR_BYTES + "="
                    + maxSelectorBytes + ", " + MAX_FILE_BYTES + "=" + maxFileBytes);
        }
    }

    public SloLimits withMaxSlos(final int n) {
        return new SloLimits(n, maxSelectorEntries, maxSelectorBytes, maxFileBytes);
    }

    public SloLimits withMaxSelectorEntries(final int n) {
        return new SloLimits(maxSlos, n, maxSelectorBytes, maxFileBytes);
    }

    public SloLimits withMaxSelectorBytes(final int n) {
        return new SloLimits(maxSlos, maxSelectorEntries, n, maxFileBytes);
    }

    public SloLimits withMaxFileBytes(final long n) {
        return new SloLimits(maxSlos, maxSelectorEntries, maxSelectorBytes, n);
    }
}

package io.burnrate.engine.compliance;

/**
 * The alert-time accounting of one period: how many page and ticket rules fire, since
 * when at least one does, and the closed time in alert before that. Time in alert is
 * the union of the intervals during which any rule fires; callers clip the times they
 * pass to their period. An immutable value: each transition returns the next one.
 *
 * @param pagesFiring     page rules firing now
 * @param ticketsFiring   ticket rules firing now
 * @param alertingSinceMs epoch ms since when at least one rule fires; valid while any fires
 * @param alertedMs       closed time in alert, ms
 */
public record AlertTime(int pagesFiring, int ticketsFiring, long alertingSinceMs, long alertedMs) {

    /** No rule firing, no time in alert. */
    public static final AlertTime NONE = new AlertTime(0, 0, 0, 0);

    /** Whether any rule fires. */
    public boolean alerting() {
        return pagesFiring + ticketsFiring > 0;
    }

    /** Whether a rule of that severity fires. */
    public boolean firing(final boolean page) {
        return (page ? pagesFiring : ticketsFiring) > 0;
    }

    /** A page (or ticket) rule starts firing at {@code t}. */
    public AlertTime fire(final boolean page, final long t) {
        final long since = alerting() ? alertingSinceMs : t;
        return page ? new AlertTime(pagesFiring + 1, ticketsFiring, since, alertedMs)
                : new AlertTime(pagesFiring, ticketsFiring + 1, since, alertedMs);
    }

    /**
     * A page (or ticket) rule stops firing at {@code t}; unchanged when no rule of that
     * severity fires (the resolve of a rule this accounting never saw firing).
     */
    public AlertTime resolve(final boolean page, final long t) {
        if (!firing(page)) {
            return this;
        }
        final int pages = page ? pagesFiring - 1 : pagesFiring;
        final int tickets = page ? ticketsFiring : ticketsFiring - 1;
        final long alerted = pages + tickets == 0 ? alertedMs + Math.max(0, t - alertingSinceMs) : alertedMs;
        return new AlertTime(pages, tickets, alertingSinceMs, alerted);
    }

    /** Adds {@code ms} of closed time in alert (merging the time of parts). */
    public AlertTime plusAlerted(final long ms) {
        return new AlertTime(pagesFiring, ticketsFiring, alertingSinceMs, alertedMs + ms);
    }

    /** Time in alert up to {@code t}, ms: the closed time plus the open interval while any rule fires. */
    public long alertedUpTo(final long t) {
        return alerting() ? alertedMs + Math.max(0, t - alertingSinceMs) : alertedMs;
    }
}

package io.burnrate.engine.ingest;

import java.util.Map;

/**
 * A validated request event, however it was read: a {@link RequestRecord} (strings, from
 * Jackson or built by hand) or a {@link ScannedEvent} (offsets into the original bytes,
 * reused from event to event; strings only when someone asks for them).
 */
public interface AcceptedEvent {

    String service();

    long timestamp();

    double latencyMs();

    /** The HTTP status, or {@link io.burnrate.engine.slo.Indicator#NO_STATUS} when the event carried only an outcome. */
    int status();

    boolean errorOutcome();

    /** The operation, or null. */
    String operation();

    Map<String, String> attributes();

    /** The original payload, kept for the dead-letter topic. */
    byte[] raw();

    /** This event as an immutable record (itself when it is one; a copy otherwise). */
    RequestRecord toRecord();
}

package io.burnrate.engine.slo;

import java.util.List;

/** One or more problems in an SLO file; each message names the file, the SLO and the field. */
public final class SloValidationException extends Exception {

    private final List<String> problems;

    public SloValidationException(final List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}

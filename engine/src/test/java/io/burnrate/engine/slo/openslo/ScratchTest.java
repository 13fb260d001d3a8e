package io.burnrate.engine.slo.openslo;

import io.burnrate.engine.slo.SloValidationException;
import io.burnrate.engine.slo.v1.SloSpecParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ScratchTest {
    @Test
    void print() throws Exception {
        try (Stream<Path> s = Files.walk(Path.of("src/test/resources/openslo"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                System.out.println("== " + p);
                try {
                    SloSpecParser.parseFile(p).forEach(x -> System.out.println("OK " + x.spec() + "\n   " + x.document()));
                } catch (SloValidationException e) {
                    e.problems().forEach(l -> System.out.println("  " + l));
                }
            }
        }
    }
}

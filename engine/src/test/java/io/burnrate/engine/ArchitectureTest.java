package io.burnrate.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The layout as the README explains it, enforced: the domain (SLO spec, SLI math, alert
 * state machine, compliance, the SLO aggregate and its task evaluator, ingest, OTLP decoding) is plain
 * Java without Kafka, and the package graph has no cycle.
 */
class ArchitectureTest {

    private static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.burnrate.engine");

    @Test
    void theDomainImportsNoKafka() {
        noClasses().that().resideInAnyPackage("io.burnrate.engine.slo..", "io.burnrate.engine.sli..",
                        "io.burnrate.engine.alert..", "io.burnrate.engine.compliance..", "io.burnrate.engine.monitor..",
                        "io.burnrate.engine.ingest..", "io.burnrate.engine.gate..", "io.burnrate.engine.otlp..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
                .because("the burn-rate math, the state machine and the evaluator are tested alone")
                .check(ENGINE);
    }

    @Test
    void thePackagesFormNoCycle() {
        slices().matching("io.burnrate.engine.(**)").should().beFreeOfCycles().check(ENGINE);
    }

    @Test
    void httpServesWhatTheEngineComputesWithoutReachingIntoTheRuntime() {
        noClasses().that().resideInAPackage("io.burnrate.engine.http..")
                .should().dependOnClassesThat().resideInAnyPackage("io.burnrate.engine.runtime..",
                        "io.burnrate.engine.cli..")
                .check(ENGINE);
    }
}

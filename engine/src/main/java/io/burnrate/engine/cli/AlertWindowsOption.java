package io.burnrate.engine.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --alert-windows FILE}: Sloth {@code AlertWindows} catalogues in files of their own
 * (Sloth's {@code --slo-period-windows-path} files), whose policies the SLO file's SLOs name as
 * their own ({@code alerting.policy: NAME}, OpenSLO {@code burnrate.io/alert-policy: NAME}).
 */
final class AlertWindowsOption {

    @Option(names = "--alert-windows", paramLabel = "FILE",
            description = "a file of Sloth AlertWindows catalogues the SLOs may name as alert policies (repeatable)")
    List<Path> files = new ArrayList<>();
}

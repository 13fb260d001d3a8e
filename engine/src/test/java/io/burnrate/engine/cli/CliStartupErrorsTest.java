package io.burnrate.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.runtime.Engine;
import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.testing.Cli;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code run} and {@code demo} say when they cannot start: one line on stderr naming
 * the thing and the flag that changes it, exit 2, no stack trace, nothing started. None of
 * these needs a broker: each is refused before one would start (issues 11 and 13).
 */
class CliStartupErrorsTest {

    @TempDir
    Path dir;

    private static void assertOneLineError(final Cli.Run run, final String... contains) {
        assertThat(run.code()).as(run.err()).isEqualTo(BurnrateCli.UNUSABLE_INPUT);
        assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
        assertThat(run.err()).contains(contains).doesNotContain("\tat ", "Exception");
    }

    @Test
    void demoNamesTheBusyBrokerPortAndTheFlagThatChangesIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final int port = taken.getLocalPort();
            for (final String flag : new String[] {"--broker-port", "--port"}) {
                final Cli.Run run = Cli.run("demo", flag, Integer.toString(port), "--http-port", "-1",
                        "--data-dir", dir.resolve("demo").toString(), "--duration", "5s");
                assertOneLineError(run, "burnrate demo: ", "port " + port, "already in use", "--broker-port");
            }
        }
    }

    @Test
    void runNamesTheBusyEmbeddedPortAndTheFlagThatChangesIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final int port = taken.getLocalPort();
            final Cli.Run run = Cli.run("run", "--embedded-port", Integer.toString(port), "--http-port", "-1",
                    "--data-dir", dir.resolve("run").toString());
            assertOneLineError(run, "burnrate run: ", "port " + port, "already in use", "--embedded-port");
        }
    }

    @Test
    void runRefusesAStateDirectoryItCannotWriteNamingIt() throws Exception {
        final Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        final Path state = file.resolve("state");
        // a broker nobody listens on: the directory must be refused before any connection attempt
        final Cli.Run run = Cli.run("run", "--bootstrap-servers", "127.0.0.1:1", "--http-port", "-1",
                "--state-dir", state.toString());
        assertOneLineError(run, "burnrate run: state directory " + state, "not usable", "--state-dir");
    }

    @Test
    void runRefusesAnEmbeddedDataDirectoryItCannotWriteNamingIt() throws Exception {
        final Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        final Cli.Run run = Cli.run("run", "--http-port", "-1", "--embedded-port", "0",
                "--data-dir", file.resolve("data").toString());
        assertOneLineError(run, "burnrate run: embedded broker data directory " + file.resolve("data"),
                "not usable", "--data-dir");
    }

    @Test
    void demoRefusesADataDirectoryItCannotWriteNamingIt() throws Exception {
        final Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        final Cli.Run run = Cli.run("demo", "--http-port", "-1", "--duration", "5s",
                "--data-dir", file.resolve("data").toString());
        assertOneLineError(run, "burnrate demo: data directory " + file.resolve("data"), "not usable", "--data-dir");
    }

    @Test
    void aStateDirectoryThatIsAFileIsNamedAsSuch() throws Exception {
        final Path file = Files.writeString(dir.resolve("state"), "x");
        final Cli.Run run = Cli.run("run", "--bootstrap-servers", "127.0.0.1:1", "--http-port", "-1",
                "--state-dir", file.toString());
        assertOneLineError(run, "state directory " + file, "is a file, not a directory");
    }

    @Test
    void portsOutOfRangeAreRefusedBeforeAnythingStarts() {
        assertOneLineError(Cli.run("demo", "--http-port", "70000", "--duration", "5s"), "--http-port");
        assertOneLineError(Cli.run("demo", "--http-port", "-2", "--duration", "5s"), "--http-port");
        assertOneLineError(Cli.run("demo", "--broker-port", "-1", "--duration", "5s"), "--broker-port");
        assertOneLineError(Cli.run("run", "--bootstrap-servers", "127.0.0.1:1", "--http-port", "70000"),
                "http.port must be between -1 (off) and 65535");
        assertOneLineError(Cli.run("run", "--embedded-port", "-5", "--http-port", "-1"),
                "embedded.port must be between 0 and 65535");
    }

    @Test
    void aBusyHttpPortNamesTheAddressAndTheFlag() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final int port = taken.getLocalPort();
            // run and demo reach Engine.start only with a broker up: ask the engine directly (it binds HTTP
            // before it connects anywhere)
            final var settings = new Settings()
                    .with(Settings.BOOTSTRAP, "127.0.0.1:1")
                    .with(Settings.STATE_DIR, dir.resolve("state"))
                    .with(Settings.HTTP_BIND, "127.0.0.1")
                    .with(Settings.HTTP_PORT, port);
            final Exception e = Assertions.assertThrows(IOException.class,
                    () -> Engine.start(settings));
            assertThat(e.getMessage()).contains("cannot serve HTTP on 127.0.0.1:" + port, "--http-port");
        }
    }

    @Test
    void helpHintsNameTheFullCommandPath() {
        final Cli.Run sub = Cli.run("slo", "validate", "--foo", "x");
        assertThat(sub.code()).isEqualTo(BurnrateCli.UNUSABLE_INPUT);
        assertThat(sub.err()).contains("see 'burnrate slo validate --help'");

        final Cli.Run top = Cli.run("frobnicate");
        assertThat(top.code()).isEqualTo(BurnrateCli.UNUSABLE_INPUT);
        assertThat(top.err()).contains("see 'burnrate --help'").doesNotContain("burnrate burnrate");

        final Cli.Run leaf = Cli.run("demo", "--no-such-flag");
        assertThat(leaf.err()).contains("see 'burnrate demo --help'");
    }
}

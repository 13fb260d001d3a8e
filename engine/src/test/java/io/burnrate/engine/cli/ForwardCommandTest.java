package io.burnrate.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code burnrate forward}'s refusals: each one line, exit 2, never echoing a secret. */
class ForwardCommandTest {

    @TempDir
    Path dir;

    @Test
    void shouldRefuseToStartWithoutAReceiver() {
        final Cli.Run r = Cli.run("forward", "-b", "127.0.0.1:1");
        assertThat(r.code()).isEqualTo(BurnrateCli.UNUSABLE_INPUT);
        assertThat(r.err()).contains("burnrate forward: no receiver: give --alertmanager URL, --webhook URL or "
                + "--pagerduty-routing-key-file FILE");
    }

    @Test
    void shouldRefuseSecretsOnTheCommandLineWithoutEchoingThem() {
        final Cli.Run r = Cli.run("forward", "-b", "127.0.0.1:1", "--alertmanager", "http://am:9093",
                "--set", "forward.pagerduty.routing.key=TOPSECRET123");
        assertThat(r.code()).isEqualTo(BurnrateCli.UNUSABLE_INPUT);
        assertThat(r.err()).contains("secrets are not taken from the command line")
                .contains("BURNRATE_FORWARD_PAGERDUTY_ROUTING_KEY").doesNotContain("TOPSECRET123");
    }

    @Test
    void shouldRefuseCredentialsInAReceiverUrl() {
        final Cli.Run r = Cli.run("forward", "-b", "127.0.0.1:1", "--webhook", "http://bot:hunter2@chat.example/hook");
        assertThat(r.code()).isEqualTo(BurnrateCli.UNUSABLE_INPUT);
        assertThat(r.err()).contains("forward.webhook.urls").doesNotContain("hunter2");
    }

    @Test
    void shouldNameAMisspeltForwardSettingInTheFile() throws Exception {
        final Path file = Files.writeString(dir.resolve("forward.yaml"), "forward:\n  alertmanager.url: http://am:9093\n");
        final Cli.Run r = Cli.run("forward", "-c", file.toString(), "-b", "127.0.0.1:1");
        assertThat(r.code()).isEqualTo(BurnrateCli.UNUSABLE_INPUT);
        assertThat(r.err()).contains("unknown setting 'forward.alertmanager.url'")
                .contains("did you mean 'forward.alertmanager.urls'?");
    }

    @Test
    void shouldReadTheRoutingKeyFileAndRefuseAMissingOne() {
        final Cli.Run r = Cli.run("forward", "-b", "127.0.0.1:1", "--pagerduty-routing-key-file",
                dir.resolve("absent").toString());
        assertThat(r.code()).isEqualTo(BurnrateCli.UNUSABLE_INPUT);
        assertThat(r.err()).contains("forward.pagerduty.routing.key.file: " + dir.resolve("absent") + " does not exist");
    }

    @Test
    void shouldCheckRunsReceiversBeforeStartingAnything() {
        // run --alertmanager: the forwarder inside the engine's process; a bad receiver is exit 2 before any broker
        final Cli.Run bad = Cli.run("run", "-b", "127.0.0.1:1", "--http-port", "-1", "--alertmanager", "notaurl");
        assertThat(bad.code()).isEqualTo(BurnrateCli.UNUSABLE_INPUT);
        assertThat(bad.err()).contains("burnrate run: forward.alertmanager.urls: 'notaurl' is not a URL");
        final Cli.Run key = Cli.run("run", "-b", "127.0.0.1:1", "--http-port", "-1", "--pagerduty-routing-key-file",
                dir.resolve("absent").toString());
        assertThat(key.code()).isEqualTo(BurnrateCli.UNUSABLE_INPUT);
        assertThat(key.err()).contains("burnrate run: forward.pagerduty.routing.key.file: " + dir.resolve("absent")
                + " does not exist");
        final Cli.Run secret = Cli.run("run", "-b", "127.0.0.1:1", "--http-port", "-1", "--set",
                "forward.pagerduty.routing.key=TOPSECRET123");
        assertThat(secret.code()).isEqualTo(BurnrateCli.UNUSABLE_INPUT);
        assertThat(secret.err()).contains("secrets are not taken from the command line").doesNotContain("TOPSECRET123");
    }
}

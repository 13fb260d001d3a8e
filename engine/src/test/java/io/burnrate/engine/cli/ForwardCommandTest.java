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
}

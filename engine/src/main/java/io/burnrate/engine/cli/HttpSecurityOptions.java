package io.burnrate.engine.cli;

import io.burnrate.engine.http.HttpSecurity;
import io.burnrate.engine.runtime.Settings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The HTTP auth and TLS flags of {@code run} and {@code demo}: secrets come from files (or the environment), never flags. */
final class HttpSecurityOptions {

    @Option(names = "--http-auth-token-file", paramLabel = "FILE",
            description = "require this bearer token (the file's content) on every HTTP path but /healthz and /readyz; "
                    + "or BURNRATE_HTTP_AUTH_TOKEN")
    Path authTokenFile;

    @Option(names = "--http-basic-auth-file", paramLabel = "FILE",
            description = "also accept HTTP basic auth with the credentials in FILE (one line user:password)")
    Path basicAuthFile;

    @Option(names = "--http-tls-keystore", paramLabel = "FILE", description = "serve HTTPS with this PKCS12 or JKS keystore")
    Path tlsKeystore;

    @Option(names = "--http-tls-keystore-password-file", paramLabel = "FILE",
            description = "the keystore's password; or BURNRATE_HTTP_TLS_KEYSTORE_PASSWORD")
    Path tlsKeystorePasswordFile;

    /** Puts the flags given into {@code settings}. */
    Settings applyTo(final Settings settings) {
        return settings.with(HttpSecurity.AUTH_TOKEN_FILE, authTokenFile)
                .with(HttpSecurity.AUTH_BASIC_FILE, basicAuthFile)
                .with(HttpSecurity.TLS_KEYSTORE, tlsKeystore)
                .with(HttpSecurity.TLS_KEYSTORE_PASSWORD_FILE, tlsKeystorePasswordFile);
    }
}

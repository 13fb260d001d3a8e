package io.burnrate.engine.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Who may read the API and the status page, and over what: an optional bearer token
 * and/or basic-auth credentials (every path but {@code /healthz} and {@code /readyz}),
 * and optional TLS from a keystore. Secrets are read from files or the environment,
 * never from flag values, compared in constant time, and never printed: {@link #toString}
 * names only what is configured.
 */
public final class HttpSecurity {

    /** Bearer token, the value itself (from the environment: {@code BURNRATE_HTTP_AUTH_TOKEN}). */
    public static final String AUTH_TOKEN = "http.auth.token";
    /** File holding the bearer token (trailing whitespace ignored). */
    public static final String AUTH_TOKEN_FILE = "http.auth.token.file";
    /** File holding basic-auth credentials as one line {@code user:password}. */
    public static final String AUTH_BASIC_FILE = "http.auth.basic.file";
    /** Keystore (PKCS12 or JKS) with the server's key and certificate: serve HTTPS. */
    public static final String TLS_KEYSTORE = "http.tls.keystore";
    /** Keystore password, the value itself (from the environment: {@code BURNRATE_HTTP_TLS_KEYSTORE_PASSWORD}). */
    public static final String TLS_KEYSTORE_PASSWORD = "http.tls.keystore.password";
    public static final String TLS_KEYSTORE_PASSWORD_FILE = "http.tls.keystore.password.file";

    private static final HttpSecurity NONE = new HttpSecurity(null, null, null);

    private final byte[] tokenDigest;
    private final byte[] basicDigest;
    /** What this instance sends to the other instances (API fan-out); null without auth. */
    private final String clientAuthorization;
    private final SSLContext tls;

    private HttpSecurity(final String token, final String basic, final SSLContext tls) {
        this.tokenDigest = token == null ? null : sha256(token);
        this.basicDigest = basic == null ? null : sha256(basic);
        this.clientAuthorization = token != null ? "Bearer " + token
                : basic != null ? "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8))
                : null;
        this.tls = tls;
    }

    /** No authentication, plain HTTP. */
    public static HttpSecurity none() {
        return NONE;
    }

    /** For tests and embedding: either credential may be null; {@code basic} is {@code user:password}. */
    static HttpSecurity of(final String token, final String basic, final SSLContext tls) {
        return new HttpSecurity(token, basic, tls);
    }

    /** From the {@code http.auth.*} and {@code http.tls.*} settings; the message never contains a secret. */
    public static HttpSecurity from(final Function<String, String> settings) throws IOException {
        String token = secret(settings, AUTH_TOKEN, AUTH_TOKEN_FILE, "bearer token");
        final String basicFile = settings.apply(AUTH_BASIC_FILE);
        String basic = null;
        if (basicFile != null && !basicFile.isBlank()) {
            basic = read(Path.of(basicFile), AUTH_BASIC_FILE);
            final int colon = basic.indexOf(':');
            if (colon <= 0 || colon == basic.length() - 1 || basic.indexOf('\n') >= 0) {
                throw new IOException(AUTH_BASIC_FILE + " " + basicFile + ": expected one line user:password");
            }
        }
        if (token != null && token.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
            throw new IOException("the bearer token (" + AUTH_TOKEN + " / " + AUTH_TOKEN_FILE
                    + ") must be printable ASCII without spaces");
        }
        SSLContext tls = null;
        final String keystore = settings.apply(TLS_KEYSTORE);
        if (keystore != null && !keystore.isBlank()) {
            final String password = secret(settings, TLS_KEYSTORE_PASSWORD, TLS_KEYSTORE_PASSWORD_FILE,
                    "keystore password");
            tls = sslContext(Path.of(keystore), password == null ? new char[0] : password.toCharArray());
        }
        return token == null && basic == null && tls == null ? NONE : new HttpSecurity(token, basic, tls);
    }

    /** A server context from a PKCS12 or JKS keystore; its certificates are also what peers are trusted by. */
    static SSLContext sslContext(final Path keystore, final char[] password) throws IOException {
        if (!Files.isReadable(keystore)) {
            throw new IOException(TLS_KEYSTORE + " " + keystore + " is not a readable file");
        }
        try {
            final KeyStore ks = KeyStore.getInstance(keystore.toFile(), password);
            final KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            final TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            final SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            // the keystore's own messages name the problem ("keystore password was incorrect"), not the secret
            throw new IOException(TLS_KEYSTORE + " " + keystore + ": " + e.getMessage());
        }
    }

    private static String secret(final Function<String, String> settings, final String valueKey, final String fileKey,
                                 final String what) throws IOException {
        final String file = settings.apply(fileKey);
        final String value = settings.apply(valueKey);
        if (file != null && !file.isBlank()) {
            if (value != null) {
                throw new IOException("set either " + valueKey + " or " + fileKey + " for the " + what + ", not both");
            }
            return read(Path.of(file), fileKey);
        }
        if (value != null) {
            if (value.isBlank()) {
                throw new IOException(valueKey + " is empty");
            }
            return value.strip();
        }
        return null;
    }

    private static String read(final Path file, final String key) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IOException(key + " " + file + " is not a readable file");
        }
        final String s = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (s.isEmpty()) {
            throw new IOException(key + " " + file + " is empty");
        }
        return s;
    }

    public boolean authEnabled() {
        return tokenDigest != null || basicDigest != null;
    }

    public SSLContext tls() {
        return tls;
    }

    String clientAuthorization() {
        return clientAuthorization;
    }

    /** The {@code WWW-Authenticate} challenge of a 401. */
    String challenge() {
        return basicDigest != null ? "Basic realm=\"burnrate\", charset=\"UTF-8\"" : "Bearer realm=\"burnrate\"";
    }

    /** Whether an {@code Authorization} header value carries a valid credential (constant time in its content). */
    boolean authorized(final String authorization) {
        if (!authEnabled()) {
            return true;
        }
        if (authorization == null) {
            return false;
        }
        final int space = authorization.indexOf(' ');
        if (space < 0) {
            return false;
        }
        final String scheme = authorization.substring(0, space).toLowerCase(Locale.ROOT);
        final String credential = authorization.substring(space + 1).strip();
        if (scheme.equals("bearer") && tokenDigest != null) {
            return MessageDigest.isEqual(sha256(credential), tokenDigest);
        }
        if (scheme.equals("basic") && basicDigest != null) {
            final String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(credential), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false;
            }
            return MessageDigest.isEqual(sha256(decoded), basicDigest);
        }
        return false;
    }

    private static byte[] sha256(final String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        final String auth = tokenDigest != null && basicDigest != null ? "bearer token or basic auth"
                : tokenDigest != null ? "bearer token" : basicDigest != null ? "basic auth" : "no auth";
        return (tls != null ? "https" : "http") + ", " + auth;
    }
}

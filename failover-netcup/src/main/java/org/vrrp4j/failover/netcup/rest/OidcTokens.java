package org.vrrp4j.failover.netcup.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.HashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.vrrp4j.failover.spi.ProviderConfigException;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.Secret;
import org.vrrp4j.failover.netcup.NetcupException;

/**
 * OpenID Connect tokens for netcup's SCP (Keycloak realm {@code scp}, public client {@code scp}): the
 * device-flow login that stores the offline refresh token in a file only its owner can read, and access
 * tokens refreshed before they expire. The user id of the API paths is the access token's {@code id} claim.
 * Tokens are never logged.
 *
 * <p>netcup rotates the refresh token on every refresh, so a token file has one holder per JVM
 * ({@link #holderFor}, keyed by the file's real path): two providers on one file share the holder instead
 * of rotating the token away from each other. The file is written durably (temporary file, fsync, atomic
 * rename, fsync of the directory): a crash leaves the old token or the new one, never none.
 */
public final class OidcTokens {
    private static final Logger LOG = LoggerFactory.getLogger(OidcTokens.class);
    static final String CLIENT_ID = "scp";
    /**
     * An access token is renewed this long before it expires, or a tenth of its lifetime when that is shorter:
     * a fixed 30 s would renew a short-lived token on every call.
     */
    private static final Duration EARLY = Duration.ofSeconds(30);
    /** netcup voids an offline refresh token that was not used for this long. */
    public static final Duration OFFLINE_IDLE_EXPIRY = Duration.ofDays(30);

    private final URI realm;
    private final HttpClient http;
    private final Path refreshTokenFile;
    private final Duration requestTimeout;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final ReentrantLock lock = new ReentrantLock();
    private Secret accessToken;
    private Instant expiresAt = Instant.MIN;
    private Instant renewAt = Instant.MIN;
    private String userId;
    /** The rotated refresh token's store in progress or done (guarded by {@link #lock}); null before any. */
    private java.util.concurrent.FutureTask<Void> storing;
    /** The newest refresh token while its store failed (guarded by {@link #lock}): netcup voided the file's. */
    private Secret unstored;
    private static final Map<Path, OidcTokens> HOLDERS = new HashMap<>();
    private Path key; // in HOLDERS under this key, or null when made directly
    private int holders; // guarded by HOLDERS

    /**
     * @param realm            e.g. {@code https://www.servercontrolpanel.de/realms/scp}
     * @param refreshTokenFile where the offline refresh token lives (0600)
     */
    public OidcTokens(URI realm, HttpClient http, Path refreshTokenFile, Duration requestTimeout, Clock clock) {
        this.realm = realm;
        this.http = http;
        this.refreshTokenFile = refreshTokenFile;
        this.requestTimeout = requestTimeout;
        this.clock = clock;
    }

    /** The one holder of {@code refreshTokenFile} in this JVM; {@link #release()} it when done. */
    public static OidcTokens holderFor(URI realm, HttpClient http, Path refreshTokenFile, Duration requestTimeout,
            Clock clock) {
        Path key = realPath(refreshTokenFile);
        synchronized (HOLDERS) {
            OidcTokens t = HOLDERS.get(key);
            if (t == null) {
                t = new OidcTokens(realm, http, refreshTokenFile, requestTimeout, clock);
                t.key = key;
                HOLDERS.put(key, t);
            } else if (!t.realm.equals(realm)) {
                throw new ProviderConfigException("token_file", key + " is already in use with auth_url " + t.realm
                        + "; a token file belongs to one realm");
            }
            t.holders++;
            return t;
        }
    }

    /** Gives back a holder from {@link #holderFor}; the last one out drops it from the registry. */
    public void release() {
        flush();
        synchronized (HOLDERS) {
            if (key != null && --holders == 0) {
                HOLDERS.remove(key, this);
            }
        }
    }

    /** The file's real path (its directory's, when the file does not exist yet): the registry's key. */
    static Path realPath(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        try {
            return abs.toRealPath();
        } catch (IOException e) {
            try {
                return abs.getParent().toRealPath().resolve(abs.getFileName());
            } catch (IOException | NullPointerException e2) {
                return abs;
            }
        }
    }

    /** A valid access token, refreshed when it expires within 30 s (or a tenth of its lifetime). */
    public Secret accessToken(Cancellation c) throws NetcupException, InterruptedException {
        lock.lockInterruptibly();
        try {
            if (accessToken == null || !clock.instant().isBefore(renewAt)) {
                refresh(c);
            }
            return accessToken;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refreshes now, whatever the access token's age: uses the offline token, which netcup voids after
     * {@link #OFFLINE_IDLE_EXPIRY} without use.
     */
    public void refreshNow(Cancellation c) throws NetcupException, InterruptedException {
        lock.lockInterruptibly();
        try {
            refresh(c);
            awaitStore();
        } finally {
            lock.unlock();
        }
    }

    /** The user id of the API paths (the access token's {@code id} claim). */
    public String userId(Cancellation c) throws NetcupException, InterruptedException {
        lock.lockInterruptibly();
        try {
            accessToken(c);
            return userId;
        } finally {
            lock.unlock();
        }
    }

    /** Forget the access token (the API answered 401): the next call refreshes. */
    public void invalidate() {
        lock.lock();
        try {
            accessToken = null;
        } finally {
            lock.unlock();
        }
    }

    private void refresh(Cancellation c) throws NetcupException, InterruptedException {
        String refreshToken = newestRefreshToken();
        Instant asked = clock.instant();
        JsonNode body = tokenRequest(Map.of("grant_type", "refresh_token", "client_id", CLIENT_ID,
                "refresh_token", refreshToken), c);
        accept(body, asked);
        LOG.debug("netcup access token refreshed, valid until {}", expiresAt);
    }

    /** @param asked when the token was asked for: its lifetime counts from then, not from the answer */
    private void accept(JsonNode body, Instant asked) throws NetcupException {
        String access = body.path("access_token").asText("");
        if (access.isEmpty()) {
            throw NetcupException.retryable("token endpoint answered without an access token");
        }
        accessToken = Secret.of(access, "netcup access token");
        Duration lifetime = Duration.ofSeconds(Math.max(0, body.path("expires_in").asLong(300)));
        expiresAt = asked.plus(lifetime);
        Duration early = lifetime.dividedBy(10);
        renewAt = expiresAt.minus(early.compareTo(EARLY) < 0 ? early : EARLY);
        userId = claim(access, "id");
        String rotated = body.path("refresh_token").asText("");
        if (!rotated.isEmpty()) {
            storeRefreshToken(rotated);
        }
    }

    private JsonNode tokenRequest(Map<String, String> form, Cancellation c) throws NetcupException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(realm.resolve(realm.getPath() + "/protocol/openid-connect/token"))
                .timeout(requestTimeout).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))).build();
        // never abandoned once sent: netcup rotates the refresh token, and an answer thrown away would leave the
        // file with a token netcup already voided (bounded by the request timeout; the caller sees its cancel after)
        c.throwIfCancelled();
        HttpResponse<String> res = Http.sendToTheEnd(http, req, "netcup token refresh");
        JsonNode body = parse(res.body());
        if (res.statusCode() == 200) {
            return body;
        }
        String error = body.path("error").asText("HTTP " + res.statusCode());
        if (res.statusCode() == 400 || res.statusCode() == 401) {
            throw NetcupException.permanent("netcup login no longer valid (" + error + "; an offline token also dies"
                    + " after 30 days without use); run `vrrp4j netcup login` again");
        }
        throw NetcupException.retryable("netcup token endpoint: " + error);
    }

    /**
     * The device-flow login: prints where to confirm, polls until confirmed, stores the offline refresh
     * token (0600).
     */
    public void deviceLogin(PrintStream out, Duration timeout) throws NetcupException, InterruptedException {
        Cancellation c = new Cancellation();
        HttpRequest req = HttpRequest.newBuilder(realm.resolve(realm.getPath() + "/protocol/openid-connect/auth/device"))
                .timeout(requestTimeout).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("client_id", CLIENT_ID, "scope", "offline_access openid"))))
                .build();
        HttpResponse<String> res = Http.send(http, req, c, "netcup device authorization");
        JsonNode device = parse(res.body());
        if (res.statusCode() != 200 || device.path("device_code").asText("").isEmpty()) {
            throw NetcupException.permanent("netcup device authorization failed: HTTP " + res.statusCode());
        }
        out.println("Open " + device.path("verification_uri_complete").asText(device.path("verification_uri").asText())
                + " and confirm the code " + device.path("user_code").asText());
        long interval = Math.max(1, device.path("interval").asLong(5));
        Instant end = clock.instant().plus(timeout);
        while (clock.instant().isBefore(end)) {
            Thread.sleep(Duration.ofSeconds(interval));
            HttpRequest poll = HttpRequest.newBuilder(realm.resolve(realm.getPath() + "/protocol/openid-connect/token"))
                    .timeout(requestTimeout).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form(Map.of(
                            "grant_type", "urn:ietf:params:oauth:grant-type:device_code",
                            "client_id", CLIENT_ID, "device_code", device.path("device_code").asText())))).build();
            Instant asked = clock.instant();
            HttpResponse<String> r = Http.send(http, poll, c, "netcup device token");
            JsonNode body = parse(r.body());
            if (r.statusCode() == 200) {
                lock.lock();
                try {
                    accept(body, asked);
                    awaitStore(); // the login is done when its token is on disk
                } finally {
                    lock.unlock();
                }
                if (body.path("refresh_token").asText("").isEmpty()) {
                    throw NetcupException.permanent("netcup login returned no refresh token");
                }
                out.println("Logged in; the offline refresh token is in " + refreshTokenFile);
                return;
            }
            switch (body.path("error").asText("")) {
                case "authorization_pending" -> { }
                case "slow_down" -> interval += 5;
                default -> throw NetcupException.permanent("netcup login failed: " + body.path("error").asText("HTTP " + r.statusCode()));
            }
        }
        throw NetcupException.permanent("netcup login not confirmed within " + timeout);
    }

    private String readRefreshToken() throws NetcupException {
        try {
            String t = Files.readString(refreshTokenFile, StandardCharsets.UTF_8).strip();
            if (t.isEmpty()) {
                throw NetcupException.permanent("netcup refresh token file " + refreshTokenFile + " is empty; run `vrrp4j netcup login`");
            }
            return t;
        } catch (IOException e) {
            throw NetcupException.permanent("cannot read the netcup refresh token file " + refreshTokenFile
                    + " (" + e.getClass().getSimpleName() + "); run `vrrp4j netcup login`");
        }
    }

    /**
     * Writes the token durably into a file created 0600, so no other user can read it at any time: a
     * temporary file, fsynced, renamed over the old one atomically, then the directory fsynced (the rename
     * itself survives a crash). netcup has already invalidated the old token: losing the new one would
     * mean a new login.
     */
    private void storeRefreshToken(String token) {
        awaitStoreQuietly(); // one write at a time, in the order the tokens came
        unstored = Secret.of(token, "netcup refresh token");
        storing = startWrite(refreshTokenFile, token);
    }

    /**
     * The refresh token to use: the file's, once the last store is done; the one kept in memory when that
     * store failed (the file holds a token netcup has voided since).
     */
    private String newestRefreshToken() throws NetcupException {
        awaitStoreQuietly();
        return unstored != null ? unstored.reveal() : readRefreshToken();
    }

    /** Waits for the last store (never interrupted: see {@link #writeDurably}); a failure is logged, kept in memory. */
    private void awaitStoreQuietly() {
        if (storing == null) {
            return;
        }
        java.util.concurrent.FutureTask<Void> s = storing;
        storing = null;
        try {
            awaitUninterruptibly(s);
            unstored = null;
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot store the rotated netcup refresh token in {} ({}): netcup voided the one in the file;"
                    + " the new one is kept in memory and used until a store succeeds, a restart before that needs"
                    + " `vrrp4j netcup login`", refreshTokenFile, e.getClass().getSimpleName());
        }
    }

    /** Waits for the last store and says when it failed (a check proves the token is on disk). */
    private void awaitStore() throws NetcupException {
        awaitStoreQuietly();
        if (unstored != null) {
            throw NetcupException.permanent("cannot store the netcup refresh token in " + refreshTokenFile
                    + "; the token lives in memory only: check the file's directory and permissions");
        }
    }

    /** Waits until the rotated refresh token, written in the background after a refresh, is on disk. */
    private void flush() {
        lock.lock();
        try {
            awaitStoreQuietly();
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@link #writeFile} on a thread of its own, waited for whatever happens to the caller: the caller is a
     * provider call that a newer role may cancel (interrupt) at any moment, and an interrupt reaching a
     * {@link FileChannel} closes it ({@code ClosedByInterruptException}) with the rotated token unwritten,
     * which voids the login. The caller's interrupt is kept for after.
     */
    static void writeDurably(Path file, String token) throws IOException {
        awaitUninterruptibly(startWrite(file, token));
    }

    /**
     * Starts {@link #writeFile} on a thread of its own: a take-over goes on with its access token while the
     * file is written (an fsync of file and directory), and no interrupt can reach the write.
     */
    private static java.util.concurrent.FutureTask<Void> startWrite(Path file, String token) {
        java.util.concurrent.FutureTask<Void> write = new java.util.concurrent.FutureTask<>(() -> {
            writeFile(file, token);
            return null;
        });
        // not a daemon thread: the JVM's exit waits for a write in progress
        Thread.ofPlatform().name("netcup-token-store").start(write);
        return write;
    }

    private static void awaitUninterruptibly(java.util.concurrent.FutureTask<Void> write) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    write.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw new IllegalStateException("storing the refresh token failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void writeFile(Path refreshTokenFile, String token) throws IOException {
        Path dir = refreshTokenFile.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, ".netcup-token", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap((token + "\n").getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, refreshTokenFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // best effort: the temporary file is 0600 and holds nothing the old file did not
                }
            }
        }
    }

    private JsonNode parse(String body) {
        try {
            return json.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    /** A claim of a JWT's payload (no signature check: the token came from the issuer over TLS). */
    private String claim(String jwt, String name) throws NetcupException {
        String[] parts = jwt.split("\\.");
        if (parts.length < 2) {
            throw NetcupException.permanent("netcup access token is not a JWT");
        }
        try {
            JsonNode payload = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
            String v = payload.path(name).asText("");
            if (v.isEmpty()) {
                throw NetcupException.permanent("netcup access token has no '" + name + "' claim");
            }
            return v;
        } catch (IOException | IllegalArgumentException e) {
            throw NetcupException.permanent("netcup access token payload is unreadable");
        }
    }

    static String form(Map<String, String> values) {
        return new LinkedHashMap<>(values).entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}

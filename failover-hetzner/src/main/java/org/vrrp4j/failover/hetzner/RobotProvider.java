package org.vrrp4j.failover.hetzner;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.Location;
import org.vrrp4j.failover.spi.Secret;

/**
 * {@code hetzner_robot}: routes a dedicated server's failover IP to this server. Reads
 * {@code active_server_ip} first; switches with one form-encoded POST, which is synchronous and slow (Hetzner:
 * 40 to 60 s) and of which an account has 50 an hour, so it is spent only on a real move: never by
 * {@link #check}, never while a switch of ours may still run, and a client-side timeout is followed by a
 * read, not by another POST. A 401 is never retried (three failed logins block the caller for 10 minutes):
 * after one, this provider makes no more requests until the password file changes (or it is created again).
 */
final class RobotProvider extends ApiProvider {
    private static final Logger LOG = LoggerFactory.getLogger(RobotProvider.class);
    /** How long a switch runs at Hetzner at most (docs.hetzner.com: 40 to 60 seconds). */
    static final Duration SWITCH_TIME = Duration.ofSeconds(60);
    /** The pause after FAILOVER_LOCKED: a switch is running (perhaps the peer's, perhaps our abandoned one). */
    static final Duration LOCKED_PAUSE = Duration.ofSeconds(15);

    private final RobotApi api;
    private final String failoverIp;
    private final String serverIp;
    private final Duration postTimeout;
    /** Set by a 401: every later call fails without a request until the password changes or the provider is created again. */
    private volatile String refused;
    /** The password as the file holds it now (empty: from the environment, which cannot change). */
    private final Supplier<Optional<Secret>> passwordNow;
    /** When a POST of ours was abandoned (client timeout, cancellation): the switch may still run at Hetzner. */
    private volatile Instant abandonedPostAt;

    RobotProvider(RobotApi api, String failoverIp, String serverIp, Duration postTimeout, Supplier<Optional<Secret>> passwordNow,
            String resource) {
        super(resource);
        this.passwordNow = passwordNow;
        this.api = api;
        this.failoverIp = failoverIp;
        this.serverIp = serverIp;
        this.postTimeout = postTimeout;
    }

    @Override
    Location where(FailoverContext ctx) throws HetznerException, InterruptedException {
        RobotApi.Answer a = read(ctx);
        String active = a.activeServerIp().orElse(null);
        if (active != null && Addresses.matches(serverIp, active)) {
            return new Location.Here("failover IP " + failoverIp + " is routed to " + serverIp);
        }
        return new Location.Elsewhere("failover IP " + failoverIp + " is " + (active == null ? "unrouted" : "routed to " + active));
    }

    private RobotApi.Answer read(FailoverContext ctx) throws HetznerException, InterruptedException {
        refusedBefore();
        RobotApi.Answer a = api.read(failoverIp, ctx.cancellation());
        if (!a.ok()) {
            throw failure(a, "read failover IP " + failoverIp, ctx.now());
        }
        return a;
    }

    @Override
    FailoverOutcome move(Location found, FailoverContext ctx) throws HetznerException, InterruptedException {
        Instant now = ctx.now();
        Instant abandoned = abandonedPostAt;
        if (abandoned != null && now.isBefore(abandoned.plus(SWITCH_TIME))) {
            // our own switch may still run: a POST now would get FAILOVER_LOCKED and cost the hourly budget
            Instant notBefore = abandoned.plus(SWITCH_TIME);
            throw HetznerException.retryable("Robot: a switch of " + failoverIp + " this node started at " + abandoned
                    + " may still run (" + ((Location.Elsewhere) found).detail() + "); not switching again before " + notBefore, notBefore);
        }
        Duration left = Duration.between(now, ctx.deadline());
        Duration timeout = left.compareTo(postTimeout) < 0 ? left : postTimeout;
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw HetznerException.retryable("Robot: too little time before the deadline for a switch of " + failoverIp);
        }
        refusedBefore();
        LOG.info("hetzner_robot: routing failover IP {} to {} ({}), waiting up to {}", failoverIp, serverIp,
                ((Location.Elsewhere) found).detail(), timeout);
        Instant started = now;
        RobotApi.Answer a;
        try {
            a = api.route(failoverIp, serverIp, timeout, ctx.cancellation());
        } catch (Cancellation.CancelledException e) {
            abandonedPostAt = started; // the switch goes on at Hetzner; the new master's POST gets FAILOVER_LOCKED meanwhile
            throw e;
        } catch (HetznerException e) {
            if (!e.isClientTimeout()) {
                throw e;
            }
            abandonedPostAt = started;
            return afterTimeout(e, ctx, started);
        }
        abandonedPostAt = null;
        if (a.ok()) {
            String active = a.activeServerIp().orElse("");
            if (Addresses.matches(serverIp, active)) {
                return new FailoverOutcome.Done("failover IP " + failoverIp + " routed to " + serverIp + " in "
                        + Duration.between(started, ctx.now()).toSeconds() + " s");
            }
            return confirm("Robot answered HTTP " + a.status() + " with active_server_ip " + active, ctx);
        }
        switch (a.code()) {
            case "FAILOVER_ALREADY_ROUTED" -> {
                return new FailoverOutcome.AlreadyInPlace("failover IP " + failoverIp + " already routed to " + serverIp
                        + " (Robot: " + a.describe() + ")");
            }
            case "FAILOVER_LOCKED" -> throw HetznerException.retryable("Robot: " + a.describe()
                    + ": another switch of " + failoverIp + " runs; trying again after a read", ctx.now().plus(LOCKED_PAUSE));
            case "FAILOVER_FAILED", "FAILOVER_NOT_COMPLETE" -> {
                return confirm("Robot answered " + a.describe(), ctx);
            }
            default -> throw failure(a, "route failover IP " + failoverIp + " to " + serverIp, ctx.now());
        }
    }

    /** After a client-side timeout: read the state before anything else; it may have switched meanwhile. */
    private FailoverOutcome afterTimeout(HetznerException timeout, FailoverContext ctx, Instant started)
            throws HetznerException, InterruptedException {
        LOG.warn("hetzner_robot: {}; reading the state before anything else", timeout.getMessage());
        Location now = where(ctx);
        if (now instanceof Location.Here here) {
            return new FailoverOutcome.Done(here.detail() + " (read after the client-side timeout of the switch)");
        }
        Instant notBefore = started.plus(SWITCH_TIME);
        throw HetznerException.retryable("Robot: " + timeout.getMessage() + "; read afterwards: "
                + ((Location.Elsewhere) now).detail() + "; the switch may still run, not before " + notBefore, notBefore);
    }

    /** The switch's answer was no proof: a read decides between done and a retry. */
    private FailoverOutcome confirm(String why, FailoverContext ctx) throws HetznerException, InterruptedException {
        Location now = where(ctx);
        if (now instanceof Location.Here here) {
            return new FailoverOutcome.Done(why + "; read afterwards: " + here.detail());
        }
        throw HetznerException.retryable(why + "; read afterwards: " + ((Location.Elsewhere) now).detail(),
                ctx.now().plus(LOCKED_PAUSE));
    }

    /** A GET of the failover IP, never a POST: the hourly switch budget is for real moves. */
    @Override
    String prove(FailoverContext ctx) throws HetznerException, InterruptedException {
        Location l = where(ctx);
        String d = l instanceof Location.Here h ? h.detail() : ((Location.Elsewhere) l).detail();
        return "webservice user accepted; " + d + " (this server: " + serverIp + ")";
    }

    private void refusedBefore() throws HetznerException {
        String r = refused;
        if (r != null) {
            Optional<Secret> now = passwordNow.get();
            if (now.isPresent() && !now.get().equals(api.password())) {
                // the operator fixed the password file: one more login is the operator's decision, not a retry
                LOG.info("hetzner_robot: the password in {} changed since Robot refused it; using the new one", now.get().origin());
                api.password(now.get());
                refused = null;
                return;
            }
            throw HetznerException.permanent(r + "; no more requests with these credentials (three failed logins block"
                    + " the caller for 10 minutes): fix the password file (it is read again before the next call), or fix"
                    + " the user and restart");
        }
    }

    /** A failed answer as a failure of its kind. */
    private HetznerException failure(RobotApi.Answer a, String what, Instant now) {
        String detail = "Robot " + what + ": " + a.describe();
        if (a.status() == 401) {
            refused = detail + " (the webservice user and password were refused)";
            return HetznerException.permanent(refused);
        }
        if (a.code().equals("RATE_LIMIT_EXCEEDED")) {
            long max = a.body().path("error").path("max_request").asLong(0);
            long interval = a.body().path("error").path("interval").asLong(0);
            Duration wait = max > 0 && interval > 0 ? Duration.ofSeconds(Math.max(1, interval / max)) : Duration.ofMinutes(1);
            return HetznerException.retryable(detail + " (" + max + " requests per " + interval + " s)", now.plus(wait));
        }
        return switch (a.status()) {
            case 400, 403, 404 -> HetznerException.permanent(detail + (a.code().equals("FAILOVER_NEW_SERVER_NOT_FOUND")
                    ? " (server_ip must be this server's main IP as Robot knows it)" : ""));
            default -> HetznerException.retryable(detail);
        };
    }

    @Override
    public void close() {
        api.close();
    }
}

package org.vrrp4j.daemon;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.vrrp4j.failover.FailoverProviders;
import org.vrrp4j.failover.spi.Cancellation;
import org.vrrp4j.failover.spi.CredentialCheck;
import org.vrrp4j.failover.spi.FailoverContext;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.FailoverProvider;
import org.vrrp4j.failover.spi.RoleChange;
import org.vrrp4j.keepalived.KeepalivedConfig;
import org.vrrp4j.keepalived.ProviderBlock;
import org.vrrp4j.keepalived.SourceLocation;

/**
 * {@code vrrp4j check --online}: every provider of a (valid) configuration proves its credentials and its
 * lookup with {@link FailoverProvider#check}, as the daemon does at start and every {@code check_interval},
 * without moving anything; one line per provider. Messages come from the providers, which keep secrets out.
 */
final class OnlineCheck {
    /** How long one provider's check may take before it counts as failed (the coordinator's bound too). */
    static final Duration TIMEOUT = Duration.ofMinutes(2);

    private OnlineCheck() {
    }

    /** One provider block and where it is. */
    private record Entry(String owner, boolean group, ProviderBlock block, Optional<SourceLocation> where) {
    }

    /**
     * Checks every provider in turn and prints a line for each: {@code ok}, {@code FAILED} or {@code skip}
     * (a provider with nothing to prove, such as {@code exec}).
     *
     * @return whether none failed
     */
    static boolean run(KeepalivedConfig config, PrintWriter out) throws InterruptedException {
        List<Entry> entries = new java.util.ArrayList<>();
        config.instances().forEach(i -> {
            for (int k = 0; k < i.providers().size(); k++) {
                entries.add(new Entry(i.name(), false, i.providers().get(k), config.locations().instanceProvider(i.name(), k)));
            }
        });
        config.syncGroups().forEach(g -> {
            for (int k = 0; k < g.providers().size(); k++) {
                entries.add(new Entry(g.name(), true, g.providers().get(k), config.locations().syncGroupProvider(g.name(), k)));
            }
        });
        if (entries.isEmpty()) {
            out.println("no failover_provider blocks: nothing to check online");
            out.flush();
            return true;
        }
        FailoverProviders providers = FailoverProviders.discover();
        boolean allOk = true;
        for (Entry e : entries) {
            String head = e.owner() + " " + Daemon.where(e.where()) + " ";
            try (FailoverProvider p = Daemon.create(providers, ScriptUsers.withoutUserKeys(e.block()), e.where())) {
                if (!p.supportsCheck()) {
                    out.println("skip   " + head + p.resource() + ": nothing to prove (no credentials or lookup)");
                    continue;
                }
                CredentialCheck result = check(p, new RoleChange(e.owner(), e.group(), RoleChange.RouterState.STOP, 0));
                switch (result) {
                    case CredentialCheck.Proven ok -> out.println("ok     " + head + p.resource() + ": " + ok.detail()
                            + ok.expires().map(t -> "; credentials expire " + t + " unless used").orElse(""));
                    case CredentialCheck.Failed f -> {
                        allOk = false;
                        out.println("FAILED " + head + p.resource() + ": " + message(f.failure()));
                    }
                    case CredentialCheck.Cancelled c -> {
                        allOk = false;
                        out.println("FAILED " + head + p.resource() + ": no answer within " + TIMEOUT.toSeconds() + " s");
                    }
                }
            } catch (LaunchException ex) { // validated before; a provider that cannot be made now still fails
                allOk = false;
                out.println("FAILED " + head + ex.getMessage());
            } finally {
                out.flush();
            }
        }
        return allOk;
    }

    /** Runs one check on a thread of its own, cancelled (and counted failed) after {@link #TIMEOUT}. */
    private static CredentialCheck check(FailoverProvider p, RoleChange role) throws InterruptedException {
        Cancellation cancellation = new Cancellation();
        Instant deadline = Instant.now().plus(TIMEOUT);
        FailoverContext ctx = new FailoverContext() {
            @Override
            public RoleChange change() {
                return role;
            }

            @Override
            public Cancellation cancellation() {
                return cancellation;
            }

            @Override
            public int attempt() {
                return 1;
            }

            @Override
            public Instant now() {
                return Instant.now();
            }

            @Override
            public Instant deadline() {
                return deadline;
            }

            @Override
            public void sleep(Duration d) throws InterruptedException {
                CountDownLatch latch = new CountDownLatch(1);
                try (Cancellation.Registration r = cancellation.onCancel(latch::countDown)) {
                    latch.await(d.toNanos(), TimeUnit.NANOSECONDS);
                }
                cancellation.throwIfCancelled();
            }
        };
        CompletableFuture<CredentialCheck> f = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().name("vrrp4j-check").start(() -> {
            try {
                f.complete(p.check(ctx));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        try {
            return f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            cancellation.cancel();
            t.join(Duration.ofSeconds(5));
            return new CredentialCheck.Cancelled("timed out");
        } catch (ExecutionException e) {
            return new CredentialCheck.Failed(new FailoverOutcome.RetryableFailure("check failed unexpectedly: "
                    + e.getCause().getClass().getSimpleName()));
        }
    }

    private static String message(FailoverOutcome failure) {
        return switch (failure) {
            case FailoverOutcome.PermanentFailure pf -> pf.message();
            case FailoverOutcome.RetryableFailure rf -> rf.message() + " (may pass later)";
            default -> failure.toString();
        };
    }
}

package org.vrrp4j.daemon;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.vrrp4j.failover.FailoverEvent;
import org.vrrp4j.failover.spi.FailoverOutcome;

/**
 * What the daemon learned from its failover coordinator's events, per binding (router and resource):
 * calls by step and outcome, call durations, the last success and the last failure (a call that
 * succeeds proves the provider's credentials; a failure's time is when they may have stopped working),
 * give-ups and drifts. Fed on the coordinator's listener thread, read by the status endpoint.
 */
final class FailoverCallStats {
    /** Upper bounds (seconds) of the call-duration histogram: a REST call and its task poll take seconds. */
    static final double[] BUCKETS = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

    /** Where a binding's calls are counted. */
    record Binding(String router, String resource) {
    }

    /** A call's outcome, as a metric label. */
    static String outcomeKind(FailoverOutcome o) {
        return switch (o) {
            case FailoverOutcome.Done d -> "done";
            case FailoverOutcome.AlreadyInPlace a -> "already_in_place";
            case FailoverOutcome.RetryableFailure r -> "retryable_failure";
            case FailoverOutcome.PermanentFailure p -> "permanent_failure";
            case FailoverOutcome.Cancelled c -> "cancelled";
        };
    }

    /** Every outcome label, in a stable order (so a series exists before its first call). */
    static final List<String> OUTCOMES = List.of("done", "already_in_place", "retryable_failure", "permanent_failure",
            "cancelled");

    /** Call durations of one step: cumulative bucket counts (the last one is +Inf), sum and count. */
    record Histogram(long[] cumulative, double sumSeconds, long count) {
        Histogram {
            cumulative = cumulative.clone();
        }

        static Histogram empty() {
            return new Histogram(new long[BUCKETS.length + 1], 0, 0);
        }

        Histogram plus(double seconds) {
            long[] c = cumulative.clone();
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    c[i]++;
                }
            }
            c[BUCKETS.length]++;
            return new Histogram(c, sumSeconds + seconds, count + 1);
        }

        @Override
        public long[] cumulative() {
            return cumulative.clone();
        }
    }

    /**
     * One binding's view.
     *
     * @param provider the provider type (netcup, exec, ...)
     * @param calls    step (lower case) to outcome kind to count
     * @param durations step to durations
     */
    record View(String provider, Map<String, Map<String, Long>> calls, Map<String, Histogram> durations,
            Optional<Instant> lastSuccess, Optional<Instant> lastFailure, long gaveUp, long drifts) {
        View {
            Map<String, Map<String, Long>> c = new LinkedHashMap<>();
            calls.forEach((k, v) -> c.put(k, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(v))));
            calls = java.util.Collections.unmodifiableMap(c);
            durations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(durations));
        }

        static View of(String provider) {
            Map<String, Map<String, Long>> calls = new LinkedHashMap<>();
            Map<String, Histogram> durations = new LinkedHashMap<>();
            for (FailoverEvent.Step s : FailoverEvent.Step.values()) {
                Map<String, Long> byOutcome = new LinkedHashMap<>();
                OUTCOMES.forEach(o -> byOutcome.put(o, 0L));
                calls.put(step(s), byOutcome);
                durations.put(step(s), Histogram.empty());
            }
            return new View(provider, calls, durations, Optional.empty(), Optional.empty(), 0, 0);
        }
    }

    static String step(FailoverEvent.Step s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    private final Map<Binding, View> views = new LinkedHashMap<>();

    /** A binding exists: its provider type, its series at zero (kept across a reload that keeps the provider). */
    synchronized void bound(String router, String resource, String provider) {
        View v = views.get(new Binding(router, resource));
        if (v == null || !v.provider().equals(provider)) {
            views.put(new Binding(router, resource), View.of(provider));
        }
    }

    /** Counts one coordinator event. */
    synchronized void record(FailoverEvent e) {
        Binding b = new Binding(e.router(), e.resource());
        View v = views.get(b);
        if (v == null) {
            v = View.of("unknown");
        }
        View next = switch (e) {
            case FailoverEvent.Finished f -> {
                Map<String, Map<String, Long>> calls = new LinkedHashMap<>(v.calls());
                Map<String, Long> byOutcome = new LinkedHashMap<>(calls.get(step(f.step())));
                byOutcome.merge(outcomeKind(f.outcome()), 1L, Long::sum);
                calls.put(step(f.step()), byOutcome);
                Map<String, Histogram> durations = new LinkedHashMap<>(v.durations());
                durations.put(step(f.step()), durations.get(step(f.step())).plus(f.took().toNanos() / 1e9));
                boolean failed = f.outcome() instanceof FailoverOutcome.RetryableFailure
                        || f.outcome() instanceof FailoverOutcome.PermanentFailure;
                yield new View(v.provider(), calls, durations,
                        f.outcome().succeeded() ? Optional.of(f.at()) : v.lastSuccess(),
                        failed ? Optional.of(f.at()) : v.lastFailure(), v.gaveUp(), v.drifts());
            }
            case FailoverEvent.GaveUp g -> new View(v.provider(), v.calls(), v.durations(), v.lastSuccess(),
                    v.lastFailure(), v.gaveUp() + 1, v.drifts());
            case FailoverEvent.Drift d -> new View(v.provider(), v.calls(), v.durations(), v.lastSuccess(),
                    v.lastFailure(), v.gaveUp(), v.drifts() + 1);
            default -> v;
        };
        views.put(b, next);
    }

    /** A copy of every binding's view. */
    synchronized Map<Binding, View> views() {
        return Map.copyOf(views);
    }
}

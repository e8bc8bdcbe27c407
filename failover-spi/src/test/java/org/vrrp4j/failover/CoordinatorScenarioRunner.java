package org.vrrp4j.failover;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.vrrp4j.failover.BindingMachine.Command;
import org.vrrp4j.failover.BindingMachine.Event;
import org.vrrp4j.failover.spi.CredentialCheck;
import org.vrrp4j.failover.spi.FailoverOutcome;
import org.vrrp4j.failover.spi.Location;
import org.vrrp4j.failover.spi.ProviderConfig;
import org.vrrp4j.failover.spi.RoleChange;
import org.vrrp4j.failover.spi.RoleChange.RouterState;

/**
 * Replays a coordinator scenario against real {@link BindingMachine}s and renders the script back with
 * the commands each input produced; a scenario passes when the rendering equals the file. The format
 * follows vrrp-core's router scenarios:
 *
 * <pre>
 * # comment                                    kept as is
 * binding VI_1 retry=3,1s,30s,2,0,10m reverify=30s release=true can=release,locate [seed=1]
 *                                              retry=standard | fixed:ATTEMPTS:INTERVAL | the RetryPolicy fields
 * &gt; VI_1 role MASTER [prio=254] [seq=N] @0      a role change (seq counts up by itself)
 * &gt; VI_1 finish 1 retryable [not_before=300000] HTTP 503 @1500
 *                                              call 1 returned: done, in-place, retryable, permanent, cancelled
 * &gt; VI_1 locate 2 here|elsewhere|unknown on s2 @31000   a locate call returned
 * &gt; VI_1 timer RETRY|REVERIFY|CALL_DEADLINE @2500
 * &gt; VI_1 reassert @40000                       a lower-priority master was heard
 * &gt; VI_1 unbind @50000
 * &gt; VI_1 bound @0                           the binding starts (the first credential check is due)
 * &gt; VI_1 checked 1 proven|retryable|permanent|cancelled [expires=MS] [not_before=MS] TEXT @100
 *                                              a credential check returned (binding needs can=check)
 * &lt; VI_1 arm RETRY @2500                       a command it produced (generated); times in ms
 * </pre>
 */
final class CoordinatorScenarioRunner {
    /** Time 0 of every scenario: event instants are shown as milliseconds after it. */
    static final Instant ORIGIN = Instant.parse("2026-11-24T12:00:00Z");

    private final Map<String, BindingMachine> machines = new LinkedHashMap<>();
    private final Map<String, Long> sequences = new LinkedHashMap<>();
    private long lastNanos;

    static String run(List<String> lines) {
        return new CoordinatorScenarioRunner().render(lines);
    }

    private String render(List<String> lines) {
        StringBuilder out = new StringBuilder();
        int lineNo = 0;
        for (String raw : lines) {
            lineNo++;
            String line = raw.strip();
            if (line.startsWith("<")) {
                continue; // expected output: regenerated below
            }
            out.append(raw.stripTrailing()).append('\n');
            try {
                if (line.startsWith("binding ")) {
                    define(line.split("\\s+"));
                } else if (line.startsWith(">")) {
                    String[] words = line.substring(1).strip().split("\\s+");
                    for (Command c : input(words)) {
                        out.append("< ").append(words[0]).append(' ').append(describe(c)).append('\n');
                    }
                } else if (!line.isEmpty() && !line.startsWith("#")) {
                    throw new IllegalArgumentException("unknown line");
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("scenario line " + lineNo + ": " + line + ": " + e.getMessage(), e);
            }
        }
        return out.toString();
    }

    private void define(String[] words) {
        Map<String, String> kv = options(words, 2);
        RetryPolicy retry = retry(kv.getOrDefault("retry", "standard"));
        BindingOptions options = new BindingOptions(retry, duration(kv.getOrDefault("reverify", "0")),
                Boolean.parseBoolean(kv.getOrDefault("release", "true")), duration(kv.getOrDefault("check", "1d")));
        List<String> can = Arrays.asList(kv.getOrDefault("can", "").split(","));
        machines.put(words[1], new BindingMachine(words[1], "test resource", options, can.contains("release"),
                can.contains("locate"), can.contains("check"), ORIGIN, new Random(Long.parseLong(kv.getOrDefault("seed", "1")))));
        sequences.put(words[1], 0L);
        lastNanos = 0; // each binding's story starts at time 0
    }

    private List<Command> input(String[] words) {
        String name = words[0];
        BindingMachine m = machines.get(name);
        if (m == null) {
            throw new IllegalArgumentException("no binding " + name);
        }
        String at = words[words.length - 1];
        if (!at.startsWith("@")) {
            throw new IllegalArgumentException("an input ends with @<ms>");
        }
        long now = nanos(at.substring(1));
        if (now < lastNanos) {
            throw new IllegalArgumentException("time goes backwards: " + at + " after @" + ms(lastNanos));
        }
        lastNanos = now;
        String[] args = Arrays.copyOfRange(words, 2, words.length - 1);
        Event event = switch (words[1]) {
            case "role" -> {
                Map<String, String> kv = options(args, 1);
                long seq = kv.containsKey("seq") ? Long.parseLong(kv.get("seq")) : sequences.get(name) + 1;
                sequences.put(name, Math.max(seq, sequences.get(name)));
                RouterState state = RouterState.valueOf(args[0]);
                int prio = Integer.parseInt(kv.getOrDefault("prio", state == RouterState.MASTER ? "254" : "100"));
                yield new Event.RoleChanged(new RoleChange(name, false, state, prio), seq);
            }
            case "finish" -> new Event.CallFinished(Long.parseLong(args[0]), outcome(Arrays.copyOfRange(args, 1, args.length)));
            case "locate" -> new Event.LocateFinished(Long.parseLong(args[0]), location(Arrays.copyOfRange(args, 1, args.length)));
            case "timer" -> new Event.TimerFired(BindingMachine.Timer.valueOf(args[0]));
            case "reassert" -> new Event.Reassert();
            case "unbind" -> new Event.Unbind();
            case "bound" -> new Event.Bound();
            case "checked" -> new Event.CheckFinished(Long.parseLong(args[0]), check(Arrays.copyOfRange(args, 1, args.length)));
            default -> throw new IllegalArgumentException("unknown input " + words[1]);
        };
        return m.step(event, now);
    }

    /** {@code KIND [not_before=MS] TEXT...}. */
    private static FailoverOutcome outcome(String[] args) {
        int from = 1;
        Optional<Instant> notBefore = Optional.empty();
        if (args.length > 1 && args[1].startsWith("not_before=")) {
            notBefore = Optional.of(ORIGIN.plusNanos(nanos(args[1].substring("not_before=".length()))));
            from = 2;
        }
        String text = String.join(" ", Arrays.copyOfRange(args, from, args.length));
        return switch (args[0]) {
            case "done" -> new FailoverOutcome.Done(text);
            case "in-place" -> new FailoverOutcome.AlreadyInPlace(text);
            case "retryable" -> new FailoverOutcome.RetryableFailure(text, notBefore);
            case "permanent" -> new FailoverOutcome.PermanentFailure(text);
            case "cancelled" -> new FailoverOutcome.Cancelled(text);
            default -> throw new IllegalArgumentException("unknown outcome " + args[0]);
        };
    }

    /** {@code KIND [expires=MS] [not_before=MS] TEXT...}. */
    private static CredentialCheck check(String[] args) {
        int from = 1;
        Optional<Instant> expires = Optional.empty();
        Optional<Instant> notBefore = Optional.empty();
        while (from < args.length && (args[from].startsWith("expires=") || args[from].startsWith("not_before="))) {
            String[] kv = args[from].split("=", 2);
            Optional<Instant> t = Optional.of(ORIGIN.plusNanos(nanos(kv[1])));
            if (kv[0].equals("expires")) {
                expires = t;
            } else {
                notBefore = t;
            }
            from++;
        }
        String text = String.join(" ", Arrays.copyOfRange(args, from, args.length));
        return switch (args[0]) {
            case "proven" -> new CredentialCheck.Proven(text, expires);
            case "retryable" -> new CredentialCheck.Failed(new FailoverOutcome.RetryableFailure(text, notBefore));
            case "permanent" -> new CredentialCheck.Failed(new FailoverOutcome.PermanentFailure(text));
            case "cancelled" -> new CredentialCheck.Cancelled(text);
            default -> throw new IllegalArgumentException("unknown check result " + args[0]);
        };
    }

    private static Location location(String[] args) {
        String text = String.join(" ", Arrays.copyOfRange(args, 1, args.length));
        return switch (args[0]) {
            case "here" -> new Location.Here(text);
            case "elsewhere" -> new Location.Elsewhere(text);
            case "unknown" -> new Location.Unknown(new FailoverOutcome.RetryableFailure(text));
            default -> throw new IllegalArgumentException("unknown location " + args[0]);
        };
    }

    static String describe(Command c) {
        return switch (c) {
            case Command.StartCall s -> "start " + s.step() + "#" + s.attempt() + " call=" + s.call() + " for "
                    + s.role().state() + " prio=" + s.role().priority() + " deadline=@" + ms(s.deadlineNanos());
            case Command.StartCheck s -> "start CHECK call=" + s.call() + " for " + s.role().state() + " prio="
                    + s.role().priority() + " deadline=@" + ms(s.deadlineNanos());
            case Command.CheckState s -> "checks" + s.status().lastSuccess().map(t -> " success=@" + ms(t)).orElse("")
                    + s.status().lastFailure().map(t -> " failure=@" + ms(t)).orElse("")
                    + s.status().expires().map(t -> " expires=@" + ms(t)).orElse("")
                    + " failures=" + s.status().failures() + " in_a_row=" + s.status().failuresInARow()
                    + " running=" + s.status().running() + s.status().nextCheck().map(t -> " next=@" + ms(t)).orElse("");
            case Command.CancelCall x -> "cancel call=" + x.call();
            case Command.ArmTimer a -> "arm " + a.timer() + " @" + ms(a.atNanos());
            case Command.CancelTimer t -> "disarm " + t.timer();
            case Command.Publish p -> "event " + describe(p.event());
            case Command.Status s -> "status acquired=" + s.acquired() + " busy=" + s.busy() + " idle=" + s.idle();
        };
    }

    private static String describe(FailoverEvent e) {
        return switch (e) {
            case FailoverEvent.Started s -> "started " + s.step() + "#" + s.attempt() + " @" + ms(s.at());
            case FailoverEvent.Finished f -> "finished " + f.step() + "#" + f.attempt() + " " + describe(f.outcome())
                    + " took=" + ms(f.took().toNanos()) + "ms @" + ms(f.at());
            case FailoverEvent.RetryScheduled r -> "retry #" + r.nextAttempt() + " at @" + ms(r.startsAt());
            case FailoverEvent.GaveUp g -> "gave-up \"" + g.reason() + "\" @" + ms(g.at());
            case FailoverEvent.Drift d -> "drift \"" + d.detail() + "\" @" + ms(d.at());
            case FailoverEvent.Checked c -> "checked " + describe(c.result()) + " in_a_row=" + c.failuresInARow()
                    + " took=" + ms(c.took().toNanos()) + "ms" + c.next().map(t -> " next=@" + ms(t)).orElse("") + " @" + ms(c.at());
        };
    }

    private static String describe(CredentialCheck c) {
        return switch (c) {
            case CredentialCheck.Proven p -> "proven \"" + p.detail() + "\"" + p.expires().map(t -> " expires=@" + ms(t)).orElse("");
            case CredentialCheck.Failed f -> "failed " + describe(f.failure());
            case CredentialCheck.Cancelled x -> "cancelled \"" + x.detail() + "\"";
        };
    }

    private static String describe(FailoverOutcome o) {
        return switch (o) {
            case FailoverOutcome.Done d -> "done \"" + d.detail() + "\"";
            case FailoverOutcome.AlreadyInPlace a -> "in-place \"" + a.detail() + "\"";
            case FailoverOutcome.RetryableFailure r -> "retryable \"" + r.message() + "\""
                    + r.notBefore().map(t -> " not_before=@" + ms(t)).orElse("");
            case FailoverOutcome.PermanentFailure p -> "permanent \"" + p.message() + "\"";
            case FailoverOutcome.Cancelled x -> "cancelled \"" + x.detail() + "\"";
        };
    }

    private static RetryPolicy retry(String text) {
        if (text.equals("standard")) {
            return RetryPolicy.standard();
        }
        if (text.startsWith("fixed:")) {
            String[] p = text.split(":");
            return RetryPolicy.fixed(Integer.parseInt(p[1]), duration(p[2]));
        }
        String[] p = text.split(",");
        if (p.length != 6) {
            throw new IllegalArgumentException("retry=standard, fixed:N:INTERVAL or ATTEMPTS,INITIAL,MAX,MULTIPLIER,JITTER,DEADLINE");
        }
        return new RetryPolicy(Integer.parseInt(p[0]), duration(p[1]), duration(p[2]), Double.parseDouble(p[3]),
                Double.parseDouble(p[4]), duration(p[5]));
    }

    private static Duration duration(String text) {
        return ProviderConfig.parseDuration("scenario", text);
    }

    private static long nanos(String ms) {
        return new BigDecimal(ms).movePointRight(6).longValueExact();
    }

    private static String ms(Instant t) {
        return ms(Duration.between(ORIGIN, t).toNanos());
    }

    static String ms(long nanos) {
        return BigDecimal.valueOf(nanos).movePointLeft(6).stripTrailingZeros().toPlainString();
    }

    private static Map<String, String> options(String[] words, int from) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (int i = from; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            kv.put(eq < 0 ? words[i] : words[i].substring(0, eq), eq < 0 ? "" : words[i].substring(eq + 1));
        }
        return kv;
    }
}

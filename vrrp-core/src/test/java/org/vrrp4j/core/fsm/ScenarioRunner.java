package org.vrrp4j.core.fsm;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.vrrp4j.core.config.TrackerConfig;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.config.VirtualRouterConfig;
import org.vrrp4j.core.packet.AuthType;
import org.vrrp4j.core.packet.ChecksumForm;
import org.vrrp4j.core.packet.DropReason;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.core.packet.VrrpAuthKey;
import org.vrrp4j.core.packet.VrrpPacket;
import org.vrrp4j.core.packet.VrrpVersion;

/**
 * Replays a scenario script against real {@link VirtualRouter}s and renders the script back with the
 * actions each input produced. A scenario passes when the rendering equals the file.
 *
 * <pre>
 * # comment                         kept as is
 * router r1 vrid=1 prio=100 interval=100cs addrs=198.18.1.100 [version=2] [nopreempt]
 *           [preempt_delay=5s] [tracker=chk:-20] [peers=198.18.0.2] [auth=secret] [src=198.18.0.1]
 *           [no_lower_prio_advert]
 * group g r1 r2                     r1 and r2 step through one SyncGroup
 * > r1 start primary=198.18.0.1 @0  an input at a time in ms ([delay=5s]: vrrp_startup_delay)
 * > r1 advert src=198.18.0.2 prio=200 [authtype=IP_AH] [checksum=message] [addrs=...] @10
 * &lt; r1 arm MASTER_DOWN @3609.375     an action it produced (generated)
 * </pre>
 */
final class ScenarioRunner {
    private final Map<String, VirtualRouter> routers = new LinkedHashMap<>();
    private final Map<String, SyncGroup> groupOf = new HashMap<>();

    static String run(List<String> lines) {
        return new ScenarioRunner().render(lines);
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
                if (line.startsWith("router ")) {
                    defineRouter(line);
                } else if (line.startsWith("group ")) {
                    defineGroup(line);
                } else if (line.startsWith(">")) {
                    for (String produced : input(line.substring(1).strip())) {
                        out.append("< ").append(produced).append('\n');
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

    private void defineRouter(String line) {
        String[] words = line.split("\\s+");
        Map<String, String> kv = options(words, 2);
        VirtualRouterConfig.Builder b = VirtualRouterConfig.builder().name(words[1])
                .vrid(Integer.parseInt(kv.getOrDefault("vrid", "1")))
                .priority(Integer.parseInt(kv.getOrDefault("prio", "100")));
        VrrpVersion version = "2".equals(kv.get("version")) ? VrrpVersion.V2 : VrrpVersion.V3;
        b.version(version);
        b.advertInterval(duration(kv.getOrDefault("interval", "100cs")));
        java.util.Set<InetAddress> listed = new java.util.HashSet<>();
        for (String a : kv.getOrDefault("addrs", "198.18.1.100").split(",")) {
            if (listed.add(addr(a))) {
                b.addVirtualAddress(VirtualAddress.of(addr(a)));
            } else {
                b.addRepeatedAddress(addr(a)); // keepalived keeps an address listed twice
            }
        }
        if (kv.containsKey("nopreempt")) {
            b.preempt(false);
        }
        if (kv.containsKey("preempt_delay")) {
            b.preemptDelay(duration(kv.get("preempt_delay")));
        }
        if (kv.containsKey("no_lower_prio_advert")) {
            b.advertOnLowerPriority(false);
        }
        if (kv.containsKey("auth")) {
            b.authKey(VrrpAuthKey.ofPassword(kv.get("auth")));
        }
        if (kv.containsKey("src")) {
            b.unicastSource(addr(kv.get("src")));
        }
        if (kv.containsKey("peers")) {
            for (String p : kv.get("peers").split(",")) {
                b.addUnicastPeer(addr(p));
            }
        }
        for (String w : words) {
            if (w.startsWith("tracker=")) {
                String[] t = w.substring(8).split(":");
                b.addTracker(new TrackerConfig(t[0], Integer.parseInt(t[1])));
            }
        }
        routers.put(words[1], new VirtualRouter(b.build()));
    }

    private void defineGroup(String line) {
        String[] words = line.split("\\s+");
        List<VirtualRouter> members = Arrays.stream(words, 2, words.length).map(this::router).toList();
        SyncGroup group = new SyncGroup(words[1], members);
        for (int i = 2; i < words.length; i++) {
            groupOf.put(words[i], group);
        }
    }

    private List<String> input(String text) {
        String[] words = text.split("\\s+");
        String name = words[0];
        VirtualRouter router = router(name);
        String at = words[words.length - 1];
        if (!at.startsWith("@")) {
            throw new IllegalArgumentException("an input ends with @<ms>");
        }
        long now = new BigDecimal(at.substring(1)).movePointRight(6).longValueExact();
        Map<String, String> kv = options(Arrays.copyOf(words, words.length - 1), 2);
        Input in = switch (words[1]) {
            case "start" -> new Input.Start(addr(kv.get("primary")),
                    kv.containsKey("delay") ? duration(kv.get("delay")) : Duration.ZERO);
            case "shutdown" -> new Input.Shutdown();
            case "advert" -> advert(router.config(), kv);
            case "rejected" -> new Input.PacketRejected(DropReason.valueOf(kv.get("reason")), addr(kv.get("src")));
            case "timer" -> new Input.TimerFired(TimerKind.valueOf(kv.get("kind")));
            case "link" -> new Input.LinkChanged("up".equals(kv.get("state")));
            case "tracker" -> new Input.TrackerChanged(kv.get("name"), "up".equals(kv.get("state")));
            case "priority" -> new Input.PriorityChanged(Integer.parseInt(kv.get("base")));
            case "primary" -> new Input.PrimaryAddressChanged(addr(kv.get("addr")));
            case "expect" -> null;
            default -> throw new IllegalArgumentException("unknown input " + words[1]);
        };
        if (in == null) {
            return List.of(name + " is " + router.state() + " prio=" + router.effectivePriority()
                    + " master=" + router.masterAddress().map(InetAddress::getHostAddress).orElse("-")
                    + " counters{" + counters(router.counters()) + "}");
        }
        List<String> produced = new ArrayList<>();
        SyncGroup group = groupOf.get(name);
        if (group != null) {
            for (SyncGroup.MemberAction ma : group.step(name, in, now)) {
                produced.add(ma.router().config().name() + " " + describe(ma.action()));
            }
        } else {
            for (Action a : router.step(in, now)) {
                produced.add(name + " " + describe(a));
            }
        }
        return produced;
    }

    private static Input advert(VirtualRouterConfig cfg, Map<String, String> kv) {
        VrrpVersion version = kv.containsKey("version")
                ? ("2".equals(kv.get("version")) ? VrrpVersion.V2 : VrrpVersion.V3) : cfg.version();
        int interval = kv.containsKey("interval")
                ? Integer.parseInt(kv.get("interval"))
                : (version == VrrpVersion.V3 ? cfg.advertIntervalCentis() : cfg.advertIntervalCentis() / 100);
        List<InetAddress> addrs = kv.containsKey("addrs")
                ? Arrays.stream(kv.get("addrs").split(",")).map(ScenarioRunner::addr).toList()
                : cfg.advertisedAddresses();
        String auth = kv.get("auth");
        VrrpPacket p = new VrrpPacket(version, cfg.family(), Integer.parseInt(kv.getOrDefault("vrid", "" + cfg.vrid())),
                Integer.parseInt(kv.get("prio")), interval, addrs,
                kv.containsKey("authtype") ? AuthType.valueOf(kv.get("authtype"))
                        : auth == null ? AuthType.NONE : AuthType.SIMPLE_TEXT,
                auth == null ? null : VrrpAuthKey.ofPassword(auth));
        InetAddress dst = addr(kv.getOrDefault("dst", cfg.family() == IpFamily.IPV4 ? "224.0.0.18" : "ff02::12"));
        ChecksumForm form = cfg.family() == IpFamily.IPV6 ? ChecksumForm.IPV6_PSEUDO_HEADER
                : version == VrrpVersion.V2 || "message".equals(kv.get("checksum"))
                        ? ChecksumForm.MESSAGE_ONLY : ChecksumForm.IPV4_PSEUDO_HEADER;
        return new Input.AdvertReceived(p, addr(kv.get("src")), dst, form);
    }

    static String describe(Action a) {
        return switch (a) {
            case Action.SendAdvert s -> "send prio=" + s.packet().priority() + " src=" + s.source().getHostAddress()
                    + " v" + s.packet().version().wireValue() + " interval=" + s.packet().maxAdvertInterval()
                    + (s.packet().version() == VrrpVersion.V3 ? "cs" : "s")
                    + " addrs=" + s.packet().addresses().stream().map(InetAddress::getHostAddress).collect(Collectors.joining(","))
                    + (s.packet().authType() == AuthType.NONE ? "" : " auth=" + s.packet().authType());
            case Action.ArmTimer t -> "arm " + t.kind() + " @" + ms(t.deadlineNanos());
            case Action.CancelTimer t -> "cancel " + t.kind();
            case Action.AddAddresses x -> "add " + x.addresses();
            case Action.RemoveAddresses x -> "remove " + x.addresses();
            case Action.Announce x -> "announce " + x.addresses();
            case Action.StateChanged s -> "state " + s.from() + " -> " + s.to() + " (" + s.reason() + ")";
            case Action.PacketDiscarded d -> "discard " + d.reason()
                    + (d.source() == null ? "" : " from " + d.source().getHostAddress());
            case Action.ConfigMismatch m -> "mismatch \"" + m.what() + "\" from " + m.source().getHostAddress();
            case Action.LowerPriorityMasterHeard l -> "lower-priority-master " + l.source().getHostAddress()
                    + " prio=" + l.priority();
        };
    }

    private static String counters(RouterCounters c) {
        StringBuilder sb = new StringBuilder();
        sb.append("rx=").append(c.advertisementsReceived()).append(" tx=").append(c.advertisementsSent())
                .append(" p0rx=").append(c.priorityZeroReceived()).append(" p0tx=").append(c.priorityZeroSent())
                .append(" masters=").append(c.masterTransitions());
        if (c.intervalMismatches() > 0) {
            sb.append(" intervalMismatch=").append(c.intervalMismatches());
        }
        if (c.addressListMismatches() > 0) {
            sb.append(" addrMismatch=").append(c.addressListMismatches());
        }
        if (c.lowerPriorityMasters() > 0) {
            sb.append(" lowerPrioMasters=").append(c.lowerPriorityMasters());
        }
        c.drops().forEach((r, n) -> {
            if (n > 0) {
                sb.append(' ').append(r).append('=').append(n);
            }
        });
        return sb.toString();
    }

    static String ms(long nanos) {
        return BigDecimal.valueOf(nanos).movePointLeft(6).stripTrailingZeros().toPlainString();
    }

    private static Map<String, String> options(String[] words, int from) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (int i = from; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            if (eq < 0) {
                kv.put(words[i], "");
            } else {
                kv.put(words[i].substring(0, eq), words[i].substring(eq + 1));
            }
        }
        return kv;
    }

    private static Duration duration(String s) {
        String v = s.toLowerCase(Locale.ROOT);
        if (v.endsWith("cs")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)) * 10);
        }
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
        }
        throw new IllegalArgumentException("duration needs a unit (cs, ms, s): " + s);
    }

    private VirtualRouter router(String name) {
        VirtualRouter r = routers.get(name);
        if (r == null) {
            throw new IllegalArgumentException("no router " + name);
        }
        return r;
    }

    static InetAddress addr(String s) {
        if (s == null) {
            throw new IllegalArgumentException("address missing");
        }
        try {
            return InetAddress.ofLiteral(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IP literal: " + s, e);
        }
    }

}

package org.vrrp4j.core.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.vrrp4j.core.packet.ChecksumForm;
import org.vrrp4j.core.packet.IpFamily;
import org.vrrp4j.core.packet.VrrpAuthKey;
import org.vrrp4j.core.packet.VrrpVersion;

/**
 * The configuration of one virtual router (one VRID on one interface, one address family).
 * Immutable; built with {@link #builder()}, which validates every field and throws
 * {@link ConfigException} naming the {@link Field} and the rule.
 */
public final class VirtualRouterConfig {
    /**
     * The fields {@link Builder#build()} validates: {@link ConfigException#field()} says which one broke a
     * rule ({@link TrackerConfig} and {@link VirtualAddress} report {@link #TRACKERS} and
     * {@link #VIRTUAL_ADDRESSES}).
     */
    public enum Field {
        VRID("vrid"),
        VERSION("version"),
        PRIORITY("priority"),
        ADVERT_INTERVAL("advertInterval"),
        PREEMPT_DELAY("preemptDelay"),
        VIRTUAL_ADDRESSES("virtualAddresses"),
        UNICAST_PEERS("unicastPeers"),
        UNICAST_SOURCE("unicastSource"),
        AUTH_KEY("authKey"),
        IPV4_CHECKSUM_FORM("ipv4ChecksumForm"),
        TRACKERS("trackers");

        private final String propertyName;

        Field(String propertyName) {
            this.propertyName = propertyName;
        }

        /** The name of the builder method and accessor, e.g. {@code advertInterval}; messages start with it. */
        public String propertyName() {
            return propertyName;
        }
    }

    private final String name;
    private final String interfaceName;
    private final int vrid;
    private final VrrpVersion version;
    private final IpFamily family;
    private final int priority;
    private final int advertIntervalCentis;
    private final boolean preempt;
    private final Duration preemptDelay;
    private final boolean acceptMode;
    private final List<VirtualAddress> virtualAddresses;
    private final List<InetAddress> advertisedAddresses;
    private final List<InetAddress> unicastPeers;
    private final Optional<InetAddress> unicastSource;
    private final Optional<VrrpAuthKey> authKey;
    private final ChecksumForm ipv4ChecksumForm;
    private final List<TrackerConfig> trackers;
    private final boolean advertOnLowerPriority;
    private final boolean strictIpv6LinkLocalFirst;

    private VirtualRouterConfig(Builder b, IpFamily family, int advertIntervalCentis) {
        this.name = b.name != null ? b.name : "VR_" + b.vrid + (family == IpFamily.IPV6 ? "_v6" : "");
        this.interfaceName = b.interfaceName;
        this.vrid = b.vrid;
        this.version = b.version;
        this.family = family;
        this.priority = b.priority;
        this.advertIntervalCentis = advertIntervalCentis;
        this.preempt = b.preempt;
        this.preemptDelay = b.preemptDelay;
        this.acceptMode = b.acceptMode;
        this.virtualAddresses = List.copyOf(b.virtualAddresses);
        this.advertisedAddresses = List.copyOf(b.advertised);
        this.unicastPeers = List.copyOf(b.unicastPeers);
        this.unicastSource = Optional.ofNullable(b.unicastSource);
        this.authKey = Optional.ofNullable(b.authKey);
        this.ipv4ChecksumForm = b.ipv4ChecksumForm;
        this.trackers = List.copyOf(b.trackers);
        this.advertOnLowerPriority = b.advertOnLowerPriority;
        this.strictIpv6LinkLocalFirst = b.strictIpv6LinkLocalFirst;
    }

    /** A new builder with RFC 9568 defaults: VRRPv3, priority 100, 1 s interval, preempt on, accept off. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder().name(name).interfaceName(interfaceName).vrid(vrid).version(version)
                .priority(priority).advertInterval(Duration.ofMillis(advertIntervalCentis * 10L))
                .preempt(preempt).preemptDelay(preemptDelay).acceptMode(acceptMode)
                .ipv4ChecksumForm(ipv4ChecksumForm).advertOnLowerPriority(advertOnLowerPriority)
                .strictIpv6LinkLocalFirst(strictIpv6LinkLocalFirst);
        Set<InetAddress> added = new HashSet<>();
        for (InetAddress a : advertisedAddresses) {
            if (added.add(a)) {
                b.addVirtualAddress(virtualAddresses.stream().filter(va -> va.address().equals(a)).findFirst().orElseThrow());
            } else {
                b.addRepeatedAddress(a);
            }
        }
        unicastPeers.forEach(b::addUnicastPeer);
        unicastSource.ifPresent(b::unicastSource);
        authKey.ifPresent(b::authKey);
        trackers.forEach(b::addTracker);
        return b;
    }

    /** The router's name (keepalived's instance name), unique on a node. */
    public String name() { return name; }

    /** The interface the router runs on; empty when the shell decides (e.g. in the simulator). */
    public String interfaceName() { return interfaceName; }

    /** Virtual router id, 1..255. */
    public int vrid() { return vrid; }

    /** Protocol version. */
    public VrrpVersion version() { return version; }

    /** Address family, derived from the virtual addresses. */
    public IpFamily family() { return family; }

    /** Configured (base) priority, 1..255; 255 means this router owns the addresses. */
    public int priority() { return priority; }

    /** Whether this router is the address owner (priority 255). */
    public boolean isOwner() { return priority == 255; }

    /** Advertisement interval in centiseconds (v2: a whole number of seconds × 100). */
    public int advertIntervalCentis() { return advertIntervalCentis; }

    /** Advertisement interval as a duration. */
    public Duration advertInterval() { return Duration.ofMillis(advertIntervalCentis * 10L); }

    /** Preempt_Mode (RFC 9568 §6.1); the owner always preempts whatever this says. */
    public boolean preempt() { return preempt; }

    /** keepalived's {@code preempt_delay}: time after entering BACKUP during which a backup does not preempt. */
    public Duration preemptDelay() { return preemptDelay; }

    /** Accept_Mode (RFC 9568 §6.1): a non-owner master accepts packets to the virtual addresses. */
    public boolean acceptMode() { return acceptMode; }

    /** The virtual addresses, in advertisement order (IPv6: link-local first unless configured otherwise, see {@link #strictIpv6LinkLocalFirst()}). */
    public List<VirtualAddress> virtualAddresses() { return virtualAddresses; }

    /**
     * The address list adverts carry, in order: the {@link #virtualAddresses()} with any
     * {@linkplain Builder#addRepeatedAddress repeated} entries at their places. The same addresses as
     * {@link #virtualAddresses()} unless the configuration listed one twice, as keepalived allows.
     */
    public List<InetAddress> advertisedAddresses() { return advertisedAddresses; }

    /** Unicast peers (keepalived {@code unicast_peer}); empty means multicast. */
    public List<InetAddress> unicastPeers() { return unicastPeers; }

    /** Whether adverts go to unicast peers instead of the multicast group. */
    public boolean isUnicast() { return !unicastPeers.isEmpty(); }

    /** Source address for adverts (keepalived {@code unicast_src_ip}); empty means the interface's primary. */
    public Optional<InetAddress> unicastSource() { return unicastSource; }

    /** VRRPv2 simple-text authentication key; empty means auth type 0. */
    public Optional<VrrpAuthKey> authKey() { return authKey; }

    /** Checksum form sent for VRRPv3 over IPv4 (received adverts are accepted in either form). */
    public ChecksumForm ipv4ChecksumForm() { return ipv4ChecksumForm; }

    /** Weighted trackers that move the effective priority or cause FAULT. */
    public List<TrackerConfig> trackers() { return trackers; }

    /** RFC 9568: a master that hears a lower-priority advert sends one at once (keepalived default on). */
    public boolean advertOnLowerPriority() { return advertOnLowerPriority; }

    /**
     * IPv6 only. Off (the default, keepalived's behaviour): the addresses go out as configured even when
     * the first is global, and a received list that does not start with a link-local address is counted
     * and reported, not dropped (erratum 8300; keepalived sends such lists, and dropping them makes two
     * masters). On: RFC 9568 §5.2.9 to the letter: the configuration must list a link-local address
     * first, and adverts whose list does not start with one are dropped.
     */
    public boolean strictIpv6LinkLocalFirst() { return strictIpv6LinkLocalFirst; }

    /** Whether this IPv6 router's address list starts with a global (non-link-local) address. */
    public boolean globalAddressFirst() {
        return family == IpFamily.IPV6
                && !(virtualAddresses.getFirst().address() instanceof Inet6Address first && first.isLinkLocalAddress());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VirtualRouterConfig c && name.equals(c.name) && interfaceName.equals(c.interfaceName)
                && vrid == c.vrid && version == c.version && family == c.family && priority == c.priority
                && advertIntervalCentis == c.advertIntervalCentis && preempt == c.preempt
                && preemptDelay.equals(c.preemptDelay) && acceptMode == c.acceptMode
                && virtualAddresses.equals(c.virtualAddresses) && advertisedAddresses.equals(c.advertisedAddresses)
                && unicastPeers.equals(c.unicastPeers)
                && unicastSource.equals(c.unicastSource) && authKey.equals(c.authKey)
                && ipv4ChecksumForm == c.ipv4ChecksumForm && trackers.equals(c.trackers)
                && advertOnLowerPriority == c.advertOnLowerPriority
                && strictIpv6LinkLocalFirst == c.strictIpv6LinkLocalFirst;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, interfaceName, vrid, version, priority, advertIntervalCentis, virtualAddresses);
    }

    @Override
    public String toString() {
        return "VirtualRouterConfig[" + name + " vrid=" + vrid + " " + version + " " + family
                + (interfaceName.isEmpty() ? "" : " dev " + interfaceName)
                + " prio=" + priority + " interval=" + advertIntervalCentis + "cs"
                + (preempt ? "" : " nopreempt")
                + (preemptDelay.isZero() ? "" : " preempt_delay=" + preemptDelay)
                + (acceptMode ? " accept" : "")
                + " vips=" + virtualAddresses
                + (unicastPeers.isEmpty() ? "" : " peers=" + unicastPeers.stream().map(InetAddress::getHostAddress).toList())
                + (authKey.isPresent() ? " auth=PASS(****)" : "")
                + (trackers.isEmpty() ? "" : " trackers=" + trackers)
                + "]";
    }

    /** Builds a {@link VirtualRouterConfig}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private String name;
        private String interfaceName = "";
        private int vrid = -1;
        private VrrpVersion version = VrrpVersion.V3;
        private int priority = 100;
        private Duration advertInterval = Duration.ofSeconds(1);
        private boolean preempt = true;
        private Duration preemptDelay = Duration.ZERO;
        private boolean acceptMode;
        private final List<VirtualAddress> virtualAddresses = new ArrayList<>();
        private final List<InetAddress> advertised = new ArrayList<>();
        private final List<InetAddress> unicastPeers = new ArrayList<>();
        private InetAddress unicastSource;
        private VrrpAuthKey authKey;
        private ChecksumForm ipv4ChecksumForm = ChecksumForm.IPV4_PSEUDO_HEADER;
        private final List<TrackerConfig> trackers = new ArrayList<>();
        private boolean advertOnLowerPriority = true;
        private boolean strictIpv6LinkLocalFirst;

        private Builder() {
        }

        public Builder name(String name) { this.name = Objects.requireNonNull(name, "name"); return this; }

        public Builder interfaceName(String interfaceName) {
            this.interfaceName = Objects.requireNonNull(interfaceName, "interfaceName");
            return this;
        }

        public Builder vrid(int vrid) { this.vrid = vrid; return this; }

        public Builder version(VrrpVersion version) { this.version = Objects.requireNonNull(version, "version"); return this; }

        public Builder priority(int priority) { this.priority = priority; return this; }

        /** v3: a multiple of 10 ms from 10 ms to 40.95 s; v2: whole seconds 1..255. */
        public Builder advertInterval(Duration interval) {
            this.advertInterval = Objects.requireNonNull(interval, "advertInterval");
            return this;
        }

        public Builder preempt(boolean preempt) { this.preempt = preempt; return this; }

        public Builder preemptDelay(Duration delay) { this.preemptDelay = Objects.requireNonNull(delay, "preemptDelay"); return this; }

        public Builder acceptMode(boolean acceptMode) { this.acceptMode = acceptMode; return this; }

        public Builder addVirtualAddress(VirtualAddress address) {
            virtualAddresses.add(Objects.requireNonNull(address, "virtual address"));
            advertised.add(address.address());
            return this;
        }

        /**
         * keepalived compatibility: an address of this router listed again. keepalived 2.2.7 keeps every line
         * of {@code virtual_ipaddress} (its own sample lists one address twice, the second time with a label),
         * so its adverts carry the address twice and a peer that sends another count sees an address-list
         * mismatch (dropped in VRRPv2). The address is advertised again at this place, and added to the
         * interface once, as its {@link #addVirtualAddress(VirtualAddress) first entry} says.
         */
        public Builder addRepeatedAddress(InetAddress address) {
            advertised.add(Objects.requireNonNull(address, "repeated address"));
            return this;
        }

        /** Replaces the virtual addresses, keepalived's repeated entries included, with {@code other}'s. */
        public Builder virtualAddressesOf(VirtualRouterConfig other) {
            virtualAddresses.clear();
            advertised.clear();
            virtualAddresses.addAll(other.virtualAddresses);
            advertised.addAll(other.advertisedAddresses);
            return this;
        }

        /** Adds a host address (/32, /128) on the router's interface. */
        public Builder addVirtualAddress(InetAddress address) {
            return addVirtualAddress(VirtualAddress.of(address));
        }

        public Builder addUnicastPeer(InetAddress peer) {
            unicastPeers.add(Objects.requireNonNull(peer, "unicast peer"));
            return this;
        }

        public Builder unicastSource(InetAddress source) { this.unicastSource = source; return this; }

        /** VRRPv2 simple-text authentication (keepalived {@code auth_type PASS}). */
        public Builder authKey(VrrpAuthKey key) { this.authKey = key; return this; }

        public Builder ipv4ChecksumForm(ChecksumForm form) { this.ipv4ChecksumForm = Objects.requireNonNull(form); return this; }

        public Builder addTracker(TrackerConfig tracker) { trackers.add(Objects.requireNonNull(tracker)); return this; }

        public Builder advertOnLowerPriority(boolean on) { this.advertOnLowerPriority = on; return this; }

        /** See {@link VirtualRouterConfig#strictIpv6LinkLocalFirst()}; default off (as keepalived). */
        public Builder strictIpv6LinkLocalFirst(boolean on) { this.strictIpv6LinkLocalFirst = on; return this; }

        /** Validates and builds. @throws ConfigException naming the field and the rule */
        public VirtualRouterConfig build() {
            if (vrid < 1 || vrid > 255) {
                throw new ConfigException(Field.VRID, vrid == -1 ? "is required (1..255)" : "must be 1..255, got " + vrid);
            }
            if (priority < 1 || priority > 255) {
                throw new ConfigException(Field.PRIORITY, "must be 1..255 (255 = address owner), got " + priority);
            }
            int centis = intervalCentis();
            if (virtualAddresses.isEmpty()) {
                throw new ConfigException(Field.VIRTUAL_ADDRESSES, "at least one virtual address is required");
            }
            IpFamily family = virtualAddresses.getFirst().family();
            for (VirtualAddress va : virtualAddresses) {
                if (va.family() != family) {
                    throw new ConfigException(Field.VIRTUAL_ADDRESSES,
                            "one address family per router: " + va.address().getHostAddress() + " is not " + family);
                }
            }
            Set<InetAddress> seen = new HashSet<>();
            for (VirtualAddress va : virtualAddresses) {
                if (!seen.add(va.address())) {
                    throw new ConfigException(Field.VIRTUAL_ADDRESSES, "duplicate address " + va.address().getHostAddress());
                }
            }
            for (InetAddress a : advertised) {
                if (!seen.contains(a)) {
                    throw new ConfigException(Field.VIRTUAL_ADDRESSES, "repeated address " + a.getHostAddress()
                            + " is not one of the router's virtual addresses");
                }
            }
            if (advertised.size() > 255) {
                throw new ConfigException(Field.VIRTUAL_ADDRESSES, "at most 255 addresses, got " + advertised.size());
            }
            if (family == IpFamily.IPV6) {
                if (version == VrrpVersion.V2) {
                    throw new ConfigException(Field.VERSION, "VRRPv2 runs over IPv4 only; use VRRPv3 for IPv6");
                }
                if (strictIpv6LinkLocalFirst
                        && !(virtualAddresses.getFirst().address() instanceof Inet6Address first && first.isLinkLocalAddress())) {
                    throw new ConfigException(Field.VIRTUAL_ADDRESSES,
                            "strictIpv6LinkLocalFirst: an IPv6 router lists a link-local address first (RFC 9568 §5.2.9), got "
                                    + virtualAddresses.getFirst().address().getHostAddress());
                }
            }
            if (authKey != null && version != VrrpVersion.V2) {
                throw new ConfigException(Field.AUTH_KEY, "authentication exists in VRRPv2 only");
            }
            for (InetAddress peer : unicastPeers) {
                if (IpFamily.of(peer) != family) {
                    throw new ConfigException(Field.UNICAST_PEERS, "peer " + peer.getHostAddress() + " is not " + family);
                }
            }
            if (unicastSource != null && IpFamily.of(unicastSource) != family) {
                throw new ConfigException(Field.UNICAST_SOURCE, unicastSource.getHostAddress() + " is not " + family);
            }
            if (preemptDelay.isNegative() || preemptDelay.compareTo(Duration.ofSeconds(1000)) > 0) {
                throw new ConfigException(Field.PREEMPT_DELAY, "must be 0..1000 s, got " + preemptDelay);
            }
            if (ipv4ChecksumForm == ChecksumForm.IPV6_PSEUDO_HEADER) {
                throw new ConfigException(Field.IPV4_CHECKSUM_FORM, "must be IPV4_PSEUDO_HEADER or MESSAGE_ONLY");
            }
            Set<String> names = new HashSet<>();
            for (TrackerConfig t : trackers) {
                if (!names.add(t.name())) {
                    throw new ConfigException(Field.TRACKERS, "duplicate tracker " + t.name());
                }
            }
            return new VirtualRouterConfig(this, family, centis);
        }

        private int intervalCentis() {
            long ms = advertInterval.toMillis();
            if (version == VrrpVersion.V2) {
                if (advertInterval.toNanos() % 1_000_000_000L != 0 || ms < 1000 || ms > 255_000) {
                    throw new ConfigException(Field.ADVERT_INTERVAL,
                            "VRRPv2 interval must be whole seconds 1..255, got " + advertInterval);
                }
            } else if (advertInterval.toNanos() % 10_000_000L != 0 || ms < 10 || ms > 40_950) {
                throw new ConfigException(Field.ADVERT_INTERVAL,
                        "VRRPv3 interval must be a multiple of 10 ms from 10 ms to 40.95 s (1..4095 cs), got " + advertInterval);
            }
            return (int) (ms / 10);
        }
    }
}

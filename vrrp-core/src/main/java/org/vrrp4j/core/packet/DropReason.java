package org.vrrp4j.core.packet;

/**
 * Why a received packet was discarded. Each rule of the receive validation (RFC 9568 §7.1 with its
 * errata, RFC 3768 §7.1, keepalived's unicast checks) has its own reason and so its own counter.
 * The codec reports the reasons that depend on the packet alone; the state machine those that depend
 * on the router's configuration ({@link #isRouterLevel()}).
 */
public enum DropReason {
    /** Fewer bytes than a header needs (IP header, VRRP fixed part). */
    TRUNCATED("packet truncated", false),
    /** IPv4 header inconsistent: version ≠ 4, IHL &lt; 5, or total length beyond the bytes received. */
    IP_HEADER_INVALID("invalid IP header", false),
    /** The IP protocol / next header is not 112. */
    NOT_VRRP("IP protocol is not VRRP (112)", false),
    /** TTL or hop limit ≠ 255 on a multicast advert (RFC 9568 §7.1; RFC 6527 IpTtlErrors). */
    TTL_INVALID("TTL/hop limit is not 255", false),
    /** Version field neither 2 nor 3 (RFC 6527 VersionErrors). */
    VERSION_INVALID("unknown VRRP version", false),
    /** Type field ≠ 1 (advertisement) (RFC 6527 InvalidTypePktsRcvd). */
    TYPE_INVALID("type is not ADVERTISEMENT", false),
    /** Length does not match the address count (RFC 6527 PacketLengthErrors). */
    LENGTH_INVALID("length does not match address count", false),
    /** Checksum verifies under no accepted form (RFC 6527 ChecksumErrors). */
    CHECKSUM_INVALID("bad checksum", false),
    /** VRID 0 (RFC 6527 VrIdErrors). */
    VRID_INVALID("VRID is 0", false),
    /** VRRPv3 with address count 0 (RFC 9568 §5.2.5, erratum 8299). */
    ADDRESS_COUNT_ZERO("address count is 0", false),
    /** VRRPv3 Max Adver Int 0 (erratum 8301), VRRPv2 interval 0. */
    INTERVAL_ZERO("advertisement interval is 0", false),
    /**
     * IPv6: the first address is not link-local (RFC 9568 §5.2.9). Only in strict mode
     * ({@code PacketView.requireLinkLocalFirst}, {@code VirtualRouterConfig.strictIpv6LinkLocalFirst});
     * by default such adverts are counted and processed (erratum 8300, keepalived sends them).
     */
    IPV6_FIRST_NOT_LINK_LOCAL("first IPv6 address is not link-local", false),
    /**
     * VRRPv2 auth type 3 or more: no such type exists (RFC 3768 §5.3.6: an unknown type MUST be discarded;
     * keepalived logs "Invalid auth type" and counts {@code invalid_authtype}, RFC 2787 InvalidAuthType).
     */
    AUTH_TYPE_INVALID("unknown authentication type (v2)", false),
    /**
     * VRRPv2 auth type 2, IP Authentication Header (RFC 2338). vrrp4j does not implement it, so no router
     * can match it: keepalived counts such a packet as {@code authtype_mismatch} unless configured for AH;
     * vrrp4j gives it its own reason so the log says what the peer uses.
     */
    AUTH_TYPE_AH_UNSUPPORTED("IPsec AH authentication (v2 auth type 2) is not implemented", false),
    /** VRRPv2 over IPv6 does not exist. */
    V2_OVER_IPV6("VRRPv2 over IPv6", false),
    /** No router with this VRID on the receiving interface and family (RFC 6527 VrIdErrors). */
    VRID_NOT_CONFIGURED("VRID not configured", true),
    /** Version differs from the router's (the v2/v3 mismatch that is otherwise invisible). */
    VERSION_MISMATCH("version differs from configured", true),
    /** v2 auth type differs from the router's (RFC 2787 InvalidAuthType). */
    AUTH_TYPE_MISMATCH("authentication type mismatch", true),
    /** v2 simple-text key differs (RFC 2787 AuthFailures). */
    AUTH_FAILURE("authentication failure", true),
    /** v2 interval differs from the router's: RFC 3768 requires the drop (RFC 6527 AdvIntervalErrors). */
    INTERVAL_MISMATCH("advertisement interval mismatch (v2)", true),
    /** v2 address list differs and the sender is not the owner: RFC 3768 §7.1 requires the drop. */
    ADDRESS_LIST_MISMATCH("address list mismatch from non-owner (v2)", true),
    /** Unicast mode: the source is not a configured peer (keepalived check_unicast_src). */
    UNICAST_SOURCE_NOT_PEER("source is not a unicast peer", true),
    /** Our own advert came back (same source address); keepalived warns about it. */
    OWN_ADVERT("own advertisement received", true);

    private final String description;
    private final boolean routerLevel;

    DropReason(String description, boolean routerLevel) {
        this.description = description;
        this.routerLevel = routerLevel;
    }

    /** A short human-readable description for logs. */
    public String description() {
        return description;
    }

    /** Whether the rule depends on a router's configuration (checked by the state machine, not the codec). */
    public boolean isRouterLevel() {
        return routerLevel;
    }
}

package org.vrrp4j.core.packet;

/**
 * Which bytes a VRRP checksum covers. VRRPv2 always uses {@link #MESSAGE_ONLY}; VRRPv3 over IPv6 always
 * {@link #IPV6_PSEUDO_HEADER}; VRRPv3 over IPv4 is configurable because deployed peers disagree:
 * keepalived, FRR, Wireshark and tcpdump use the IPv4 pseudo-header (RFC 5798), RFC 9568 §5.2.8 and
 * Cisco/Juniper/Arista use the message only.
 */
public enum ChecksumForm {
    /** One's complement over the VRRP message alone. */
    MESSAGE_ONLY,
    /** Message plus the IPv4 pseudo-header (source, destination, zero, protocol 112, length). */
    IPV4_PSEUDO_HEADER,
    /** Message plus the RFC 8200 IPv6 pseudo-header (32-bit upper-layer length, next header 112). */
    IPV6_PSEUDO_HEADER
}

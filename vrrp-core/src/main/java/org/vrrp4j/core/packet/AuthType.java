package org.vrrp4j.core.packet;

/**
 * VRRPv2 authentication type byte. Types 1 and 2 come from RFC 2338; RFC 3768 removed them but
 * keepalived still speaks type 1 ({@code auth_type PASS}), so vrrp4j does too. Type 2 (IP AH) is
 * recognised on the wire but not implemented: a router never configures it.
 */
public enum AuthType {
    NONE(0),
    SIMPLE_TEXT(1),
    IP_AH(2);

    private final int wire;

    AuthType(int wire) {
        this.wire = wire;
    }

    public int wireValue() {
        return wire;
    }

    /** The type for a wire value, or {@code null} when unknown. */
    public static AuthType fromWire(int value) {
        return switch (value) {
            case 0 -> NONE;
            case 1 -> SIMPLE_TEXT;
            case 2 -> IP_AH;
            default -> null;
        };
    }
}

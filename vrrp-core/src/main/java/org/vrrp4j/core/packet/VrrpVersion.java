package org.vrrp4j.core.packet;

/** VRRP protocol version: 2 (RFC 3768, intervals in seconds, auth data) or 3 (RFC 9568, centiseconds). */
public enum VrrpVersion {
    /** RFC 3768 (plus RFC 2338 simple-text authentication as keepalived speaks it). */
    V2(2),
    /** RFC 9568. */
    V3(3);

    private final int wire;

    VrrpVersion(int wire) {
        this.wire = wire;
    }

    /** The value of the 4-bit version field. */
    public int wireValue() {
        return wire;
    }

    /** The version for a wire value, or {@code null} when it is neither 2 nor 3. */
    public static VrrpVersion fromWire(int value) {
        return switch (value) {
            case 2 -> V2;
            case 3 -> V3;
            default -> null;
        };
    }
}

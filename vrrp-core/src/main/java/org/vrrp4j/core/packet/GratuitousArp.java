package org.vrrp4j.core.packet;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The Ethernet frame of a gratuitous ARP announcing that a virtual IPv4 address moved to a MAC (RFC 9568
 * §6.4.2, RFC 826 packet format, RFC 5227 §2.3 announcement), byte for byte what keepalived sends: an ARP
 * request to the broadcast address, sender hardware address = the MAC, sender IP = target IP = the
 * address. RFC 5227 says the target hardware address is ignored and SHOULD be zero; keepalived sends
 * broadcast there, and so do we, so that captures of both look alike. Pure: no I/O.
 */
public final class GratuitousArp {
    /** Ethernet header (14) + ARP for Ethernet/IPv4 (28). No padding: the NIC pads to 60. */
    public static final int FRAME_LENGTH = 42;
    private static final int ETHERTYPE_ARP = 0x0806;

    private GratuitousArp() {
    }

    /**
     * Writes the frame at {@code out[offset, offset + 42)}.
     *
     * @param mac     the sender's MAC (the interface's, or the virtual router MAC), 6 bytes
     * @param address the virtual address announced
     * @return the frame's length, {@value #FRAME_LENGTH}
     * @throws IllegalArgumentException for a MAC that is not 6 bytes, or too little room in {@code out}
     */
    public static int encode(byte[] mac, Inet4Address address, ByteBuffer out, int offset) {
        checkMac(mac);
        Objects.requireNonNull(address, "address");
        checkRoom(out, offset, FRAME_LENGTH);
        byte[] ip = address.getAddress();
        int at = offset;
        for (int i = 0; i < 6; i++) {
            out.put(at++, (byte) 0xff);                  // Ethernet destination: broadcast
        }
        out.put(at, mac);                                // Ethernet source
        at += 6;
        at = putShort(out, at, ETHERTYPE_ARP);
        at = putShort(out, at, 1);                       // hardware type: Ethernet
        at = putShort(out, at, 0x0800);                  // protocol type: IPv4
        out.put(at++, (byte) 6);                         // hardware address length
        out.put(at++, (byte) 4);                         // protocol address length
        at = putShort(out, at, 1);                       // operation: request
        out.put(at, mac);                                // sender hardware address
        at += 6;
        out.put(at, ip);                                 // sender protocol address: the virtual address
        at += 4;
        for (int i = 0; i < 6; i++) {
            out.put(at++, (byte) 0xff);                  // target hardware address: broadcast, as keepalived
        }
        out.put(at, ip);                                 // target protocol address: the same address
        return FRAME_LENGTH;
    }

    /** {@link #encode(byte[], Inet4Address, ByteBuffer, int)} into a new array. */
    public static byte[] encode(byte[] mac, Inet4Address address) {
        byte[] frame = new byte[FRAME_LENGTH];
        encode(mac, address, ByteBuffer.wrap(frame), 0);
        return frame;
    }

    static void checkMac(byte[] mac) {
        Objects.requireNonNull(mac, "mac");
        if (mac.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, got " + mac.length);
        }
    }

    static void checkRoom(ByteBuffer out, int offset, int length) {
        Objects.requireNonNull(out, "out");
        if (offset < 0 || offset > out.limit() - length) {
            throw new IllegalArgumentException("the frame needs " + length + " bytes at offset " + offset
                    + ", the buffer has " + out.limit());
        }
    }

    static int putShort(ByteBuffer out, int at, int value) {
        out.put(at, (byte) (value >>> 8));
        out.put(at + 1, (byte) value);
        return at + 2;
    }
}

package org.vrrp4j.core.packet;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * IP address literals to {@link InetAddress} without a name lookup, on every Java this module runs on.
 *
 * <p>It accepts what {@code InetAddress.ofLiteral} (Java 22+) accepts, so the core and the modules built on
 * it stay usable from Java 21: IPv4 in the decimal forms {@code d.d.d.d}, {@code d.d.d}, {@code d.d} and
 * {@code d} (see {@link InetAddress}), IPv6 in any RFC 4291 text form, optionally in square brackets and
 * with a {@code %zone}, and IPv4-mapped IPv6, which yields an IPv4 address. {@code InetAddress.getByName}
 * alone is not enough: for a string that is not a literal it asks DNS, so this class decides what is a
 * literal itself and only hands the JDK strings it parses without a lookup.
 */
public final class IpLiterals {
    private IpLiterals() {
    }

    /**
     * Parses an IPv4 or IPv6 address literal.
     *
     * @throws IllegalArgumentException when {@code literal} is not an IP address literal (a host name,
     *         an out-of-range part, a zone on an IPv4-mapped address, a zone naming no interface)
     * @throws NullPointerException when {@code literal} is null
     */
    public static InetAddress parse(String literal) {
        Objects.requireNonNull(literal, "literal");
        byte[] v4 = ipv4(literal);
        if (v4 != null) {
            try {
                return InetAddress.getByAddress(v4);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("4 bytes are always an IPv4 address", e);
            }
        }
        String v6 = literal.length() > 2 && literal.charAt(0) == '[' && literal.charAt(literal.length() - 1) == ']'
                ? literal.substring(1, literal.length() - 1) : literal;
        if (!looksLikeIpv6(v6)) {
            throw notALiteral(literal, null);
        }
        try {
            // starts with a hex digit or ':' and contains ':': the JDK parses it as IPv6 or refuses it,
            // it never resolves such a string as a host name
            return InetAddress.getByName(v6);
        } catch (UnknownHostException e) {
            throw notALiteral(literal, e);
        }
    }

    /** The JDK's IPv4 literal grammar: one to four decimal parts, the last filling the remaining bytes. */
    private static byte[] ipv4(String s) {
        int len = s.length();
        if (len == 0 || len > 15) {
            return null;
        }
        byte[] bytes = new byte[4];
        int part = 0;
        long value = 0;
        boolean empty = true;
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (empty || value > 0xff || part == 3) {
                    return null;
                }
                bytes[part++] = (byte) value;
                value = 0;
                empty = true;
            } else if (c >= '0' && c <= '9') {
                value = value * 10 + (c - '0');
                empty = false;
            } else {
                return null;
            }
        }
        if (empty || value >= 1L << (4 - part) * 8) {
            return null;
        }
        for (int i = 3; i >= part; i--) {
            bytes[i] = (byte) value;
            value >>>= 8;
        }
        return bytes;
    }

    /**
     * Hex digits, ':' and '.' (for an embedded IPv4 tail) up to an optional zone; at least one ':', and a
     * hex digit or ':' first (what {@code getByName} needs to take it for a literal and not a host name).
     */
    private static boolean looksLikeIpv6(String s) {
        int zone = s.indexOf('%');
        String address = zone < 0 ? s : s.substring(0, zone);
        if (address.isEmpty() || address.indexOf(':') < 0 || zone == s.length() - 1
                || (Character.digit(address.charAt(0), 16) < 0 && address.charAt(0) != ':')) {
            return false;
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException notALiteral(String literal, Exception cause) {
        return new IllegalArgumentException("not an IP address literal: \"" + literal + "\"", cause);
    }
}

package org.vrrp4j.keepalived;

import static org.vrrp4j.keepalived.BlockCursor.error;

import java.math.BigDecimal;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.regex.Pattern;
import org.vrrp4j.core.packet.ChecksumForm;
import org.vrrp4j.core.packet.VrrpVersion;
import org.vrrp4j.keepalived.ConfigLexer.Line;

/**
 * Keyword arguments as keepalived reads them (integers, decimal seconds, booleans, literal addresses),
 * each failure a {@link ConfigFileException} at the line with the keyword and the allowed range.
 */
final class Values {
    static final Pattern UNSIGNED = Pattern.compile("\\d{1,9}");
    private static final Pattern SIGNED = Pattern.compile("[-+]?\\d{1,9}");
    private static final Pattern DECIMAL = Pattern.compile("(\\d{1,9})(?:\\.(\\d*))?|\\.(\\d+)");
    private static final Pattern IPV4 = Pattern.compile("(0|[1-9]\\d{0,2})(\\.(0|[1-9]\\d{0,2})){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
    /** Microseconds per second: keepalived keeps times in microseconds. */
    static final long MICROS = 1_000_000L;

    private Values() {
    }

    /** Word {@code i} of the line; a missing or empty word is an error naming the keyword. */
    static String arg(Line l, int i) throws ConfigFileException {
        if (l.size() <= i || l.words().get(i).isEmpty()) {
            throw error(l, "'" + l.keyword() + "' needs a value");
        }
        return l.words().get(i);
    }

    static int unsigned(Line l, int i, int min, int max) throws ConfigFileException {
        String v = arg(l, i);
        if (!UNSIGNED.matcher(v).matches() || Long.parseLong(v) < min || Long.parseLong(v) > max) {
            throw error(l, "'" + l.keyword() + "' must be an integer " + min + ".." + max + ", got '" + v + "'");
        }
        return Integer.parseInt(v);
    }

    /** A signed integer; {@code what} names it in the error (e.g. {@code track_script chk: weight}). */
    static int signed(Line l, int i, int min, int max, String what) throws ConfigFileException {
        String v = arg(l, i);
        if (!SIGNED.matcher(v).matches() || Long.parseLong(v) < min || Long.parseLong(v) > max) {
            throw error(l, what + " must be an integer " + min + ".." + max + ", got '" + v + "'");
        }
        return Integer.parseInt(v);
    }

    /** keepalived's decimal seconds (up to 6 decimal places), as microseconds. */
    static long decimalMicros(Line l, int i, long min, long max) throws ConfigFileException {
        String v = arg(l, i);
        var m = DECIMAL.matcher(v);
        String rule = "'" + l.keyword() + "' must be a number of seconds from " + fmtSeconds(min) + " to "
                + fmtSeconds(max) + " (at most 6 decimal places), got '" + v + "'";
        if (!m.matches()) {
            throw error(l, rule);
        }
        String whole = m.group(1) != null ? m.group(1) : "0";
        String frac = m.group(1) != null ? (m.group(2) == null ? "" : m.group(2)) : m.group(3);
        if (frac.length() > 6) {
            throw error(l, rule);
        }
        long us = Long.parseLong(whole) * MICROS + (frac.isEmpty() ? 0 : Long.parseLong((frac + "000000").substring(0, 6)));
        if (us < min || us > max) {
            throw error(l, rule);
        }
        return us;
    }

    private static String fmtSeconds(long micros) {
        return micros % MICROS == 0 ? String.valueOf(micros / MICROS)
                : BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
    }

    /** Whole seconds from {@code min}. */
    static Duration seconds(Line l, int min) throws ConfigFileException {
        return Duration.ofSeconds(unsigned(l, 1, min, Integer.MAX_VALUE));
    }

    /** A {@code *_repeat} count: keepalived turns 0 into 1 with a warning. */
    static int repeat(Line l, BlockCursor c) throws ConfigFileException {
        int n = unsigned(l, 1, 0, Integer.MAX_VALUE);
        if (n == 0) {
            c.warn(l, "'" + l.keyword() + "' must be greater than 0; using 1 (as keepalived does)");
            return 1;
        }
        return n;
    }

    /** keepalived: 0 means 1 (with a warning), for backward compatibility. */
    static long atLeastOne(Line l, String what, BlockCursor c) throws ConfigFileException {
        int v = unsigned(l, 1, 0, Integer.MAX_VALUE);
        if (v == 0) {
            c.warn(l, what + " must be greater than 0; using 1 (as keepalived does)");
            return 1;
        }
        return v;
    }

    static VrrpVersion version(Line l) throws ConfigFileException {
        return switch (arg(l, 1)) {
            case "2" -> VrrpVersion.V2;
            case "3" -> VrrpVersion.V3;
            default -> throw error(l, "'" + l.keyword() + "' must be 2 or 3, got '" + l.words().get(1) + "'");
        };
    }

    /**
     * vrrp4j's {@code vrrp_v3_ipv4_checksum message|pseudo_header}: which checksum VRRPv3 adverts over IPv4
     * carry. {@code pseudo_header} is keepalived's (and FRR's, Wireshark's) form; {@code message} is RFC
     * 9568 §5.2.8's as Cisco, Juniper and Arista send it. Received adverts are accepted in either form.
     */
    static ChecksumForm ipv4ChecksumForm(Line l) throws ConfigFileException {
        return switch (arg(l, 1)) {
            case "message" -> ChecksumForm.MESSAGE_ONLY;
            case "pseudo_header" -> ChecksumForm.IPV4_PSEUDO_HEADER;
            default -> throw error(l, "'" + l.keyword() + "' must be message or pseudo_header, got '"
                    + l.words().get(1) + "'");
        };
    }

    static boolean bool(Line l, int i) throws ConfigFileException {
        return switch (arg(l, i)) {
            case "true", "on", "yes" -> true;
            case "false", "off", "no" -> false;
            default -> throw error(l, "'" + l.keyword() + "' must be true/false, on/off or yes/no, got '"
                    + l.words().get(i) + "'");
        };
    }

    /** A literal IPv4 or IPv6 address, never a host name (no DNS lookups while reading configuration). */
    static InetAddress address(Line l, String text, String what) throws ConfigFileException {
        InetAddress a = null;
        try {
            if (IPV4.matcher(text).matches()) {
                boolean ok = true;
                for (String part : text.split("\\.")) {
                    ok &= Integer.parseInt(part) <= 255;
                }
                a = ok ? InetAddress.getByName(text) : null;
            } else if (text.indexOf(':') >= 0 && IPV6_CHARS.matcher(text).matches()) {
                a = InetAddress.getByName(text);
                if (!(a instanceof Inet6Address)) {
                    a = null; // an IPv4-mapped form: keepalived treats it as IPv6, the JDK as IPv4; refuse
                }
            }
        } catch (UnknownHostException | NumberFormatException e) {
            a = null;
        }
        if (a == null) {
            throw error(l, what + " '" + text + "' is not an IPv4 or IPv6 address");
        }
        return a;
    }
}

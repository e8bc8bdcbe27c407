package org.vrrp4j.netty.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The IPv4 interface settings a virtual MAC needs, as keepalived sets them. Without them the base
 * interface answers ARP for a virtual address that lives on the macvlan, with the physical MAC and
 * before the macvlan does (the macvlan hears broadcasts from a work queue, later), so neighbours
 * would learn the wrong MAC. The macvlan: arp_ignore 1, accept_local 1, rp_filter 0,
 * promote_secondaries 1. The base: arp_ignore 1 and arp_filter 1, the old values restored by
 * {@link #restore()}.
 *
 * <p>sysctl files belong to the network namespace of the thread that opens them: the base's files are
 * opened (and kept open) on the thread that builds the node, so restoring works from the loop thread.
 */
public final class InterfaceSysctls implements AutoCloseable {
    private final String base;
    private final FileChannel arpIgnore;
    private final FileChannel arpFilter;
    private final String oldArpIgnore;
    private final String oldArpFilter;

    private InterfaceSysctls(String base, FileChannel arpIgnore, FileChannel arpFilter, String oldArpIgnore,
            String oldArpFilter) {
        this.base = base;
        this.arpIgnore = arpIgnore;
        this.arpFilter = arpFilter;
        this.oldArpIgnore = oldArpIgnore;
        this.oldArpFilter = oldArpFilter;
    }

    /** Sets the macvlan's values (it is deleted later, so nothing to restore). */
    public static void setVirtualMac(String vmac) throws IOException {
        write(vmac, "arp_ignore", "1");
        write(vmac, "accept_local", "1");
        write(vmac, "rp_filter", "0");
        write(vmac, "promote_secondaries", "1");
    }

    /** Sets the base interface's arp_ignore and arp_filter to 1, remembering the old values. */
    public static InterfaceSysctls setBase(String base) throws IOException {
        FileChannel ignore = open(base, "arp_ignore");
        FileChannel filter = null;
        try {
            filter = open(base, "arp_filter");
            InterfaceSysctls s = new InterfaceSysctls(base, ignore, filter, read(ignore), read(filter));
            write(ignore, "1");
            write(filter, "1");
            return s;
        } catch (IOException | RuntimeException e) {
            ignore.close();
            if (filter != null) {
                filter.close();
            }
            throw e;
        }
    }

    /** Puts the base's old values back. */
    public void restore() throws IOException {
        write(arpIgnore, oldArpIgnore);
        write(arpFilter, oldArpFilter);
    }

    /** The base interface. */
    public String base() {
        return base;
    }

    private static FileChannel open(String ifname, String name) throws IOException {
        return FileChannel.open(path(ifname, name), StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private static Path path(String ifname, String name) {
        return Path.of("/proc/sys/net/ipv4/conf", ifname, name);
    }

    private static void write(String ifname, String name, String value) throws IOException {
        try (FileChannel c = open(ifname, name)) {
            write(c, value);
        }
    }

    private static void write(FileChannel c, String value) throws IOException {
        c.write(ByteBuffer.wrap((value + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    }

    private static String read(FileChannel c) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(32);
        c.read(b, 0);
        return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
    }

    @Override
    public void close() {
        try {
            arpIgnore.close();
            arpFilter.close();
        } catch (IOException e) {
            // nothing left to do with them
        }
    }
}

package org.vrrp4j.netty.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * rtnetlink (NETLINK_ROUTE) through FFM: adds and removes addresses with prefix length, label and scope,
 * and reads an interface's MAC and primary IPv4. Adding uses NLM_F_EXCL, so the caller learns whether
 * it added the address or found it there already (and then must never remove it). One thread at a time.
 */
public final class Netlink implements AutoCloseable {
    private static final int NETLINK_ROUTE = 0;
    private static final short RTM_NEWADDR = 20;
    private static final short RTM_DELADDR = 21;
    private static final short NLMSG_ERROR = 2;
    private static final short NLM_F_REQUEST = 0x1;
    private static final short NLM_F_ACK = 0x4;
    private static final short NLM_F_EXCL = 0x200;
    private static final short NLM_F_CREATE = 0x400;
    private static final short IFA_ADDRESS = 1;
    private static final short IFA_LOCAL = 2;
    private static final short IFA_LABEL = 3;
    private static final short IFA_FLAGS = 8;
    private static final short RTM_GETADDR = 22;
    private static final short NLMSG_DONE = 3;
    private static final short NLM_F_DUMP = 0x300;
    private static final int IFA_F_NODAD = 0x02;
    private static final int IFA_F_DADFAILED = 0x08;
    private static final int IFA_F_TENTATIVE = 0x40;
    private static final int RT_SCOPE_LINK = 253;
    private static final short RTM_NEWLINK = 16;
    private static final short RTM_DELLINK = 17;
    private static final short IFLA_ADDRESS = 1;
    private static final short IFLA_IFNAME = 3;
    private static final short IFLA_LINK = 5;
    private static final short IFLA_LINKINFO = 18;
    private static final short IFLA_AF_SPEC = 26;
    private static final short IFLA_INFO_KIND = 1;
    private static final short IFLA_INFO_DATA = 2;
    private static final short IFLA_MACVLAN_MODE = 1;
    private static final int MACVLAN_MODE_PRIVATE = 1;
    private static final short IFLA_INET6_ADDR_GEN_MODE = 8;
    private static final byte IN6_ADDR_GEN_MODE_NONE = 1;
    private static final int IFF_UP = 0x1;

    private final int fd;
    private final int ioctlFd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(1024, 8);
    private final MemorySegment dump = arena.allocate(32768, 8);
    private final MemorySegment kernel = arena.allocate(12, 4);
    private final Libc.Call call = new Libc.Call();
    private int seq = (int) (System.nanoTime() & 0xffff);

    private Netlink(int fd, int ioctlFd) {
        this.fd = fd;
        this.ioctlFd = ioctlFd;
    }

    /** A route netlink socket in the calling thread's namespace. */
    public static Netlink open() throws Libc.NativeException {
        int fd = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, NETLINK_ROUTE, "rtnetlink socket");
        int ioctlFd;
        try {
            // interface queries from the loop thread must see this namespace: keep a socket of it
            ioctlFd = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0, "ioctl socket");
        } catch (Libc.NativeException e) {
            Libc.close(fd);
            throw e;
        }
        Netlink n = new Netlink(fd, ioctlFd);
        n.kernel.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
        return n;
    }

    /**
     * Adds an address.
     *
     * @return true when this call added it; false when it was there already (so it is not ours to remove)
     */
    public boolean addAddress(int ifindex, InetAddress address, int prefixLength, Optional<String> label, int scope)
            throws Libc.NativeException {
        int errno = request(RTM_NEWADDR, (short) (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL), ifindex,
                address, prefixLength, label, scope);
        if (errno == Libc.EEXIST) {
            return false;
        }
        if (errno != 0) {
            throw new Libc.NativeException("RTM_NEWADDR " + address.getHostAddress() + "/" + prefixLength, errno, "");
        }
        return true;
    }

    /** Removes an address; an address already gone is not an error. */
    public void removeAddress(int ifindex, InetAddress address, int prefixLength) throws Libc.NativeException {
        int errno = request(RTM_DELADDR, (short) (NLM_F_REQUEST | NLM_F_ACK), ifindex, address, prefixLength,
                Optional.empty(), 0);
        if (errno != 0 && errno != Libc.EADDRNOTAVAIL && errno != 19) {
            throw new Libc.NativeException("RTM_DELADDR " + address.getHostAddress() + "/" + prefixLength, errno, "");
        }
    }

    private int request(short type, short flags, int ifindex, InetAddress address, int prefixLength,
            Optional<String> label, int scope) throws Libc.NativeException {
        byte[] a = address.getAddress();
        buf.fill((byte) 0);
        int off = 16;
        buf.set(ValueLayout.JAVA_BYTE, off, (byte) (address instanceof Inet4Address ? Libc.AF_INET : Libc.AF_INET6));
        buf.set(ValueLayout.JAVA_BYTE, off + 1, (byte) prefixLength);
        if (type == RTM_NEWADDR && !(address instanceof Inet4Address)) {
            // no duplicate address detection for a virtual address (keepalived does the same): VRRP already
            // decided that we own it, and a tentative address could not be used for seconds
            buf.set(ValueLayout.JAVA_BYTE, off + 2, (byte) IFA_F_NODAD);
        }
        buf.set(ValueLayout.JAVA_BYTE, off + 3, (byte) scope);
        buf.set(ValueLayout.JAVA_INT, off + 4, ifindex);
        off += 8;
        off = attribute(off, IFA_LOCAL, a);
        off = attribute(off, IFA_ADDRESS, a);
        if (label.isPresent()) {
            byte[] l = (label.get() + "\0").getBytes(StandardCharsets.US_ASCII);
            off = attribute(off, IFA_LABEL, l);
        }
        return transact(type, flags, off);
    }

    /** Sends the request built in {@code buf[16, length)} with this header and returns the kernel's errno (0 = ACK). */
    private int transact(short type, short flags, int length) throws Libc.NativeException {
        int s = ++seq;
        buf.set(ValueLayout.JAVA_INT, 0, length);
        buf.set(ValueLayout.JAVA_SHORT, 4, type);
        buf.set(ValueLayout.JAVA_SHORT, 6, flags);
        buf.set(ValueLayout.JAVA_INT, 8, s);
        long n = Libc.sendto(fd, buf, length, 0, kernel, call);
        if (n < 0) {
            throw new Libc.NativeException("netlink sendto", (int) -n, "");
        }
        while (true) {
            long r = Libc.recv(fd, buf, buf.byteSize(), 0, call);
            if (r == -Libc.EINTR) {
                continue;
            }
            if (r < 0) {
                throw new Libc.NativeException("netlink recv", (int) -r, "");
            }
            for (long at = 0; at + 16 <= r; ) {
                int len = buf.get(ValueLayout.JAVA_INT, at);
                short t = buf.get(ValueLayout.JAVA_SHORT, at + 4);
                int rs = buf.get(ValueLayout.JAVA_INT, at + 8);
                if (t == NLMSG_ERROR && rs == s) {
                    return -buf.get(ValueLayout.JAVA_INT, at + 16); // 0 = ACK
                }
                if (len < 16) {
                    break;
                }
                at += (len + 3) & ~3;
            }
        }
    }

    // ---- links: the virtual MAC interfaces (keepalived's use_vmac) ----------------------------------

    /**
     * Creates a macvlan {@code name} on {@code baseIndex} with {@code mac}, in private mode as keepalived
     * does (it then only hears frames from outside, never its siblings), and returns its index. An
     * interface of that name that already carries {@code mac} (what a crashed node or keepalived left)
     * is taken over instead; any other interface of that name is an error.
     */
    public int createMacvlan(int baseIndex, String name, byte[] mac) throws Libc.NativeException {
        buf.fill((byte) 0);
        int off = 16 + 16; // nlmsghdr, ifinfomsg (AF_UNSPEC, no flags)
        off = attribute(off, IFLA_IFNAME, (name + "\0").getBytes(StandardCharsets.US_ASCII));
        off = attribute(off, IFLA_ADDRESS, mac);
        off = attribute(off, IFLA_LINK, intBytes(baseIndex));
        int linkinfo = off;
        off += 4;
        off = attribute(off, IFLA_INFO_KIND, "macvlan".getBytes(StandardCharsets.US_ASCII));
        int data = off;
        off += 4;
        off = attribute(off, IFLA_MACVLAN_MODE, intBytes(MACVLAN_MODE_PRIVATE));
        nest(data, IFLA_INFO_DATA, off);
        nest(linkinfo, IFLA_LINKINFO, off);
        int errno = transact(RTM_NEWLINK, (short) (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL), off);
        if (errno == Libc.EEXIST) {
            int index = Libc.ifindex(name);
            if (!java.util.Arrays.equals(macAddressIn(name), mac)) {
                throw new Libc.NativeException("RTM_NEWLINK macvlan " + name, errno,
                        "an interface " + name + " exists and is not a virtual MAC interface; name another one");
            }
            return index;
        }
        if (errno != 0) {
            throw new Libc.NativeException("RTM_NEWLINK macvlan " + name, errno, "creating the virtual MAC interface");
        }
        return Libc.ifindex(name);
    }

    /**
     * No automatic IPv6 link-local on this interface (IFLA_INET6_ADDR_GEN_MODE none): RFC 9568 §7.4 and
     * keepalived; a virtual MAC interface gets the link-local it should send from explicitly.
     */
    public void disableIpv6AddressGeneration(int ifindex) throws Libc.NativeException {
        buf.fill((byte) 0);
        buf.set(ValueLayout.JAVA_INT, 16 + 4, ifindex);
        int off = 16 + 16;
        int spec = off;
        off += 4;
        int inet6 = off;
        off += 4;
        off = attribute(off, IFLA_INET6_ADDR_GEN_MODE, new byte[] {IN6_ADDR_GEN_MODE_NONE});
        nest(inet6, (short) Libc.AF_INET6, off);
        nest(spec, IFLA_AF_SPEC, off);
        int errno = transact(RTM_NEWLINK, (short) (NLM_F_REQUEST | NLM_F_ACK), off);
        if (errno != 0) {
            throw new Libc.NativeException("RTM_NEWLINK addr_gen_mode none", errno, "interface " + ifindex);
        }
    }

    /** Sets an interface administratively up. */
    public void setLinkUp(int ifindex) throws Libc.NativeException {
        buf.fill((byte) 0);
        buf.set(ValueLayout.JAVA_INT, 16 + 4, ifindex);
        buf.set(ValueLayout.JAVA_INT, 16 + 8, IFF_UP);   // ifi_flags
        buf.set(ValueLayout.JAVA_INT, 16 + 12, IFF_UP);  // ifi_change
        int errno = transact(RTM_NEWLINK, (short) (NLM_F_REQUEST | NLM_F_ACK), 32);
        if (errno != 0) {
            throw new Libc.NativeException("RTM_NEWLINK up", errno, "interface " + ifindex);
        }
    }

    /** Deletes an interface; one already gone is not an error. */
    public void deleteLink(int ifindex) throws Libc.NativeException {
        buf.fill((byte) 0);
        buf.set(ValueLayout.JAVA_INT, 16 + 4, ifindex);
        int errno = transact(RTM_DELLINK, (short) (NLM_F_REQUEST | NLM_F_ACK), 32);
        if (errno != 0 && errno != Libc.ENODEV) {
            throw new Libc.NativeException("RTM_DELLINK", errno, "interface " + ifindex);
        }
    }

    private void nest(int at, short type, int end) {
        buf.set(ValueLayout.JAVA_SHORT, at, (short) (end - at));
        buf.set(ValueLayout.JAVA_SHORT, at + 2, type);
    }

    private static byte[] intBytes(int v) {
        return java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt(v).array();
    }

    /** An interface's MAC through this socket's namespace (SIOCGIFHWADDR). */
    public byte[] macAddressIn(String ifname) throws Libc.NativeException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = Libc.ifreq(ioctlFd, Libc.SIOCGIFHWADDR, ifname, a);
            byte[] mac = new byte[6];
            MemorySegment.copy(ifr, ValueLayout.JAVA_BYTE, 18, mac, 0, 6);
            return mac;
        }
    }

    /**
     * The interface's own IPv6 link-local address (the source of its IPv6 adverts, RFC 9568 §5.1.2.1),
     * read with an RTM_GETADDR dump in this socket's namespace. Addresses in {@code virtual} (the
     * routers' virtual addresses, fe80::… included) are never taken for it. A usable (not tentative)
     * address is preferred; a tentative one is returned when nothing else exists yet (DAD running:
     * sends fail until it ends and the address notification brings the change).
     */
    public Optional<InetAddress> linkLocalIpv6(int ifindex, java.util.Set<InetAddress> virtual) {
        try {
            dump.fill((byte) 0);
            dump.set(ValueLayout.JAVA_INT, 0, 16 + 8);
            dump.set(ValueLayout.JAVA_SHORT, 4, RTM_GETADDR);
            dump.set(ValueLayout.JAVA_SHORT, 6, (short) (NLM_F_REQUEST | NLM_F_DUMP));
            int s = ++seq;
            dump.set(ValueLayout.JAVA_INT, 8, s);
            dump.set(ValueLayout.JAVA_BYTE, 16, (byte) Libc.AF_INET6);
            long n = Libc.sendto(fd, dump, 16 + 8, 0, kernel, call);
            if (n < 0) {
                return Optional.empty();
            }
            InetAddress usable = null;
            InetAddress tentative = null;
            while (true) {
                long r = Libc.recv(fd, dump, dump.byteSize(), 0, call);
                if (r == -Libc.EINTR) {
                    continue;
                }
                if (r < 0) {
                    return Optional.empty();
                }
                for (long at = 0; at + 16 <= r; ) {
                    int len = dump.get(ValueLayout.JAVA_INT, at);
                    short t = dump.get(ValueLayout.JAVA_SHORT, at + 4);
                    int rs = dump.get(ValueLayout.JAVA_INT, at + 8);
                    if (len < 16 || at + len > r) {
                        break;
                    }
                    if (rs == s && (t == NLMSG_DONE || t == NLMSG_ERROR)) {
                        return Optional.ofNullable(usable != null ? usable : tentative);
                    }
                    if (rs == s && t == RTM_NEWADDR && len >= 24
                            && dump.get(ValueLayout.JAVA_BYTE, at + 16) == Libc.AF_INET6
                            && dump.get(ValueLayout.JAVA_INT, at + 20) == ifindex
                            && Byte.toUnsignedInt(dump.get(ValueLayout.JAVA_BYTE, at + 19)) == RT_SCOPE_LINK) {
                        int flags = Byte.toUnsignedInt(dump.get(ValueLayout.JAVA_BYTE, at + 18));
                        byte[] addr = null;
                        for (long a = at + 24; a + 4 <= at + len; ) {
                            int alen = Short.toUnsignedInt(dump.get(ValueLayout.JAVA_SHORT, a));
                            short atype = dump.get(ValueLayout.JAVA_SHORT, a + 2);
                            if (alen < 4) {
                                break;
                            }
                            if ((atype == IFA_ADDRESS || atype == IFA_LOCAL) && alen == 20 && addr == null) {
                                addr = new byte[16];
                                MemorySegment.copy(dump, ValueLayout.JAVA_BYTE, a + 4, addr, 0, 16);
                            } else if (atype == IFA_FLAGS && alen == 8) {
                                flags = dump.get(ValueLayout.JAVA_INT, a + 4); // the full 32 bits
                            }
                            a += (alen + 3) & ~3;
                        }
                        if (addr != null && (addr[0] & 0xff) == 0xfe && (addr[1] & 0xc0) == 0x80
                                && (flags & IFA_F_DADFAILED) == 0) {
                            InetAddress ll = InetAddress.getByAddress(addr);
                            if (!virtual.contains(ll)) {
                                if ((flags & IFA_F_TENTATIVE) == 0 && usable == null) {
                                    usable = ll;
                                } else if (tentative == null) {
                                    tentative = ll;
                                }
                            }
                        }
                    }
                    at += (len + 3) & ~3;
                }
            }
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private int attribute(int off, short type, byte[] value) {
        int len = 4 + value.length;
        buf.set(ValueLayout.JAVA_SHORT, off, (short) len);
        buf.set(ValueLayout.JAVA_SHORT, off + 2, type);
        MemorySegment.copy(value, 0, buf, ValueLayout.JAVA_BYTE, off + 4, value.length);
        return off + ((len + 3) & ~3);
    }

    /** An interface's MAC address (SIOCGIFHWADDR), in the calling thread's namespace. */
    public static byte[] macAddress(String ifname) throws Libc.NativeException {
        int s = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0, "ioctl socket");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = Libc.ifreq(s, Libc.SIOCGIFHWADDR, ifname, a);
            byte[] mac = new byte[6];
            MemorySegment.copy(ifr, ValueLayout.JAVA_BYTE, 18, mac, 0, 6);
            return mac;
        } finally {
            Libc.close(s);
        }
    }

    /** An interface's primary IPv4 address (SIOCGIFADDR), in the calling thread's namespace. */
    public static Optional<InetAddress> primaryIpv4(String ifname) {
        try {
            int s = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0, "ioctl socket");
            try (Arena a = Arena.ofConfined()) {
                MemorySegment ifr = Libc.ifreq(s, Libc.SIOCGIFADDR, ifname, a);
                byte[] ip = new byte[4];
                MemorySegment.copy(ifr, ValueLayout.JAVA_BYTE, 20, ip, 0, 4);
                return Optional.of(InetAddress.getByAddress(ip));
            } finally {
                Libc.close(s);
            }
        } catch (Libc.NativeException | java.net.UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** The primary IPv4 of an interface of this socket's namespace (from any thread). */
    public Optional<InetAddress> primaryIpv4In(String ifname) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = Libc.ifreq(ioctlFd, Libc.SIOCGIFADDR, ifname, a);
            byte[] ip = new byte[4];
            MemorySegment.copy(ifr, ValueLayout.JAVA_BYTE, 20, ip, 0, 4);
            return Optional.of(InetAddress.getByAddress(ip));
        } catch (Libc.NativeException | java.net.UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** Whether an interface of this socket's namespace is up with carrier (SIOCGIFFLAGS: IFF_UP and IFF_RUNNING). */
    public boolean linkUp(String ifname) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = Libc.ifreq(ioctlFd, 0x8913, ifname, a);
            short flags = ifr.get(ValueLayout.JAVA_SHORT, 16);
            return (flags & 0x1) != 0 && (flags & 0x40) != 0;
        } catch (Libc.NativeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        Libc.close(ioctlFd);
        Libc.close(fd);
        call.close();
        arena.close();
    }
}

package org.vrrp4j.netty.linux;

import static org.vrrp4j.netty.linux.CStructs.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
    private static final int REQUEST_BUFFER = 1024;
    private static final int MAC_LENGTH = 6;
    private static final int IPV4_LENGTH = (int) IN_ADDR.byteSize();
    private static final int IPV6_LENGTH = (int) IN6_ADDR.byteSize();
    private static final int DUMP_BUFFER = 32768;
    /** An RTM_*ADDR request's ifaddrmsg, right after the header. */
    private static final int ADDR_MSG = NLMSG_HDRLEN;
    /** An RTM_*LINK request's ifinfomsg, right after the header; its attributes follow. */
    private static final int LINK_MSG = NLMSG_HDRLEN;
    private static final int LINK_ATTRS = NLMSG_HDRLEN + nlmsgAlign(IFINFOMSG_SIZE);

    private final int fd;
    private final int ioctlFd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(REQUEST_BUFFER, NLMSGHDR.byteAlignment());
    private final MemorySegment dump = arena.allocate(DUMP_BUFFER, NLMSGHDR.byteAlignment());
    private final MemorySegment kernel = arena.allocate(SOCKADDR_NL);
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
        n.kernel.set(C_SHORT, NL_FAMILY, (short) Libc.AF_NETLINK);
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

    /** Removes an address: true when it was there; an address already gone is not an error. */
    public boolean removeAddress(int ifindex, InetAddress address, int prefixLength) throws Libc.NativeException {
        int errno = request(RTM_DELADDR, (short) (NLM_F_REQUEST | NLM_F_ACK), ifindex, address, prefixLength,
                Optional.empty(), 0);
        if (errno != 0 && errno != Libc.EADDRNOTAVAIL && errno != Libc.ENODEV) {
            throw new Libc.NativeException("RTM_DELADDR " + address.getHostAddress() + "/" + prefixLength, errno, "");
        }
        return errno == 0;
    }

    private int request(short type, short flags, int ifindex, InetAddress address, int prefixLength,
            Optional<String> label, int scope) throws Libc.NativeException {
        byte[] a = address.getAddress();
        buf.fill((byte) 0);
        buf.set(C_CHAR, ADDR_MSG + IFA_FAMILY, (byte) (address instanceof Inet4Address ? Libc.AF_INET : Libc.AF_INET6));
        buf.set(C_CHAR, ADDR_MSG + IFA_PREFIXLEN, (byte) prefixLength);
        if (type == RTM_NEWADDR && !(address instanceof Inet4Address)) {
            // no duplicate address detection for a virtual address (keepalived does the same): VRRP already
            // decided that we own it, and a tentative address could not be used for seconds
            buf.set(C_CHAR, ADDR_MSG + IFA_FLAGS_FIELD, (byte) IFA_F_NODAD);
        }
        buf.set(C_CHAR, ADDR_MSG + IFA_SCOPE, (byte) scope);
        buf.set(C_INT, ADDR_MSG + IFA_INDEX, ifindex);
        int off = ADDR_MSG + nlmsgAlign(IFADDRMSG_SIZE);
        off = attribute(off, IFA_LOCAL, a);
        off = attribute(off, IFA_ADDRESS, a);
        if (label.isPresent()) {
            byte[] l = (label.get() + "\0").getBytes(StandardCharsets.US_ASCII);
            off = attribute(off, IFA_LABEL, l);
        }
        return transact(type, flags, off);
    }

    /** Sends the request built in {@code buf[NLMSG_HDRLEN, length)} with this header; returns the kernel's errno (0 = ACK). */
    private int transact(short type, short flags, int length) throws Libc.NativeException {
        int s = ++seq;
        buf.set(C_INT, NLMSG_LEN_FIELD, length);
        buf.set(C_SHORT, NLMSG_TYPE, type);
        buf.set(C_SHORT, NLMSG_FLAGS, flags);
        buf.set(C_INT, NLMSG_SEQ, s);
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
            for (long at = 0; at + NLMSG_HDRLEN <= r; ) {
                int len = buf.get(C_INT, at + NLMSG_LEN_FIELD);
                short t = buf.get(C_SHORT, at + NLMSG_TYPE);
                int rs = buf.get(C_INT, at + NLMSG_SEQ);
                if (t == NLMSG_ERROR && rs == s) {
                    return -buf.get(C_INT, at + NLMSG_HDRLEN + NLMSGERR_ERROR); // 0 = ACK
                }
                if (len < NLMSG_HDRLEN) {
                    break;
                }
                at += nlmsgAlign(len);
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
        int off = LINK_ATTRS; // ifinfomsg: AF_UNSPEC, no flags
        off = attribute(off, IFLA_IFNAME, (name + "\0").getBytes(StandardCharsets.US_ASCII));
        off = attribute(off, IFLA_ADDRESS, mac);
        off = attribute(off, IFLA_LINK, intBytes(baseIndex));
        int linkinfo = off;
        off += RTA_HDRLEN;
        off = attribute(off, IFLA_INFO_KIND, "macvlan".getBytes(StandardCharsets.US_ASCII));
        int data = off;
        off += RTA_HDRLEN;
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
        buf.set(C_INT, LINK_MSG + IFI_INDEX, ifindex);
        int off = LINK_ATTRS;
        int spec = off;
        off += RTA_HDRLEN;
        int inet6 = off;
        off += RTA_HDRLEN;
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
        buf.set(C_INT, LINK_MSG + IFI_INDEX, ifindex);
        buf.set(C_INT, LINK_MSG + IFI_FLAGS, Libc.IFF_UP);
        buf.set(C_INT, LINK_MSG + IFI_CHANGE, Libc.IFF_UP);
        int errno = transact(RTM_NEWLINK, (short) (NLM_F_REQUEST | NLM_F_ACK), LINK_ATTRS);
        if (errno != 0) {
            throw new Libc.NativeException("RTM_NEWLINK up", errno, "interface " + ifindex);
        }
    }

    /** Deletes an interface; one already gone is not an error. */
    public void deleteLink(int ifindex) throws Libc.NativeException {
        buf.fill((byte) 0);
        buf.set(C_INT, LINK_MSG + IFI_INDEX, ifindex);
        int errno = transact(RTM_DELLINK, (short) (NLM_F_REQUEST | NLM_F_ACK), LINK_ATTRS);
        if (errno != 0 && errno != Libc.ENODEV) {
            throw new Libc.NativeException("RTM_DELLINK", errno, "interface " + ifindex);
        }
    }

    private void nest(int at, short type, int end) {
        buf.set(C_SHORT, at + RTA_LEN, (short) (end - at));
        buf.set(C_SHORT, at + RTA_TYPE, type);
    }

    private static byte[] intBytes(int v) {
        return java.nio.ByteBuffer.allocate(Integer.BYTES).order(java.nio.ByteOrder.nativeOrder()).putInt(v).array();
    }

    /** An interface's MAC through this socket's namespace (SIOCGIFHWADDR). */
    public byte[] macAddressIn(String ifname) throws Libc.NativeException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = Libc.ifreq(ioctlFd, Libc.SIOCGIFHWADDR, ifname, a);
            byte[] mac = new byte[MAC_LENGTH];
            MemorySegment.copy(ifr, C_CHAR, IFR_HWADDR_DATA, mac, 0, MAC_LENGTH);
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
            int length = ADDR_MSG + nlmsgAlign(IFADDRMSG_SIZE);
            dump.fill((byte) 0);
            dump.set(C_INT, NLMSG_LEN_FIELD, length);
            dump.set(C_SHORT, NLMSG_TYPE, RTM_GETADDR);
            dump.set(C_SHORT, NLMSG_FLAGS, (short) (NLM_F_REQUEST | NLM_F_DUMP));
            int s = ++seq;
            dump.set(C_INT, NLMSG_SEQ, s);
            dump.set(C_CHAR, ADDR_MSG + IFA_FAMILY, (byte) Libc.AF_INET6);
            long n = Libc.sendto(fd, dump, length, 0, kernel, call);
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
                for (long at = 0; at + NLMSG_HDRLEN <= r; ) {
                    int len = dump.get(C_INT, at + NLMSG_LEN_FIELD);
                    short t = dump.get(C_SHORT, at + NLMSG_TYPE);
                    int rs = dump.get(C_INT, at + NLMSG_SEQ);
                    if (len < NLMSG_HDRLEN || at + len > r) {
                        break;
                    }
                    if (rs == s && (t == NLMSG_DONE || t == NLMSG_ERROR)) {
                        return Optional.ofNullable(usable != null ? usable : tentative);
                    }
                    long msg = at + NLMSG_HDRLEN;
                    long attrs = msg + nlmsgAlign(IFADDRMSG_SIZE);
                    if (rs == s && t == RTM_NEWADDR && len >= attrs - at
                            && dump.get(C_CHAR, msg + IFA_FAMILY) == Libc.AF_INET6
                            && dump.get(C_INT, msg + IFA_INDEX) == ifindex
                            && Byte.toUnsignedInt(dump.get(C_CHAR, msg + IFA_SCOPE)) == RT_SCOPE_LINK) {
                        int flags = Byte.toUnsignedInt(dump.get(C_CHAR, msg + IFA_FLAGS_FIELD));
                        byte[] addr = null;
                        for (long a = attrs; a + RTA_HDRLEN <= at + len; ) {
                            int alen = Short.toUnsignedInt(dump.get(C_SHORT, a + RTA_LEN));
                            short atype = dump.get(C_SHORT, a + RTA_TYPE);
                            if (alen < RTA_HDRLEN) {
                                break;
                            }
                            if ((atype == IFA_ADDRESS || atype == IFA_LOCAL) && alen == RTA_HDRLEN + IPV6_LENGTH
                                    && addr == null) {
                                addr = new byte[IPV6_LENGTH];
                                MemorySegment.copy(dump, C_CHAR, a + RTA_HDRLEN, addr, 0, IPV6_LENGTH);
                            } else if (atype == IFA_FLAGS && alen == RTA_HDRLEN + C_INT.byteSize()) {
                                flags = dump.get(C_INT, a + RTA_HDRLEN); // the full 32 bits
                            }
                            a += rtaAlign(alen);
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
                    at += nlmsgAlign(len);
                }
            }
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private int attribute(int off, short type, byte[] value) {
        int len = RTA_HDRLEN + value.length;
        buf.set(C_SHORT, off + RTA_LEN, (short) len);
        buf.set(C_SHORT, off + RTA_TYPE, type);
        MemorySegment.copy(value, 0, buf, C_CHAR, off + RTA_HDRLEN, value.length);
        return off + rtaAlign(len);
    }

    /** An interface's MAC address (SIOCGIFHWADDR), in the calling thread's namespace. */
    public static byte[] macAddress(String ifname) throws Libc.NativeException {
        int s = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0, "ioctl socket");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = Libc.ifreq(s, Libc.SIOCGIFHWADDR, ifname, a);
            byte[] mac = new byte[MAC_LENGTH];
            MemorySegment.copy(ifr, C_CHAR, IFR_HWADDR_DATA, mac, 0, MAC_LENGTH);
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
                byte[] ip = new byte[IPV4_LENGTH];
                MemorySegment.copy(ifr, C_CHAR, IFR_ADDR_SIN_ADDR, ip, 0, IPV4_LENGTH);
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
            byte[] ip = new byte[IPV4_LENGTH];
            MemorySegment.copy(ifr, C_CHAR, IFR_ADDR_SIN_ADDR, ip, 0, IPV4_LENGTH);
            return Optional.of(InetAddress.getByAddress(ip));
        } catch (Libc.NativeException | java.net.UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** Whether an interface of this socket's namespace is up with carrier (SIOCGIFFLAGS: IFF_UP and IFF_RUNNING). */
    public boolean linkUp(String ifname) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = Libc.ifreq(ioctlFd, Libc.SIOCGIFFLAGS, ifname, a);
            short flags = ifr.get(C_SHORT, IFR_FLAGS);
            return (flags & Libc.IFF_UP) != 0 && (flags & Libc.IFF_RUNNING) != 0;
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

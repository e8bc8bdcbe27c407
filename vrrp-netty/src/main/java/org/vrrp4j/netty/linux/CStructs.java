package org.vrrp4j.netty.linux;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.lang.foreign.UnionLayout;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every C struct the socket code reads or writes, each defined once from the platform's own C types
 * ({@link Linker#canonicalLayouts()}) and laid out as a C compiler does (each member at its natural
 * alignment, the whole padded to its largest member's). The offsets and sizes the code uses are derived
 * from these layouts, never written by hand, so no x86-only assumption hides in a literal; on the two
 * platforms vrrp4j supports (Linux x86_64 and aarch64, both LP64) they come out the same, which
 * {@code CStructsTest} checks against the numbers of the Linux uapi headers and glibc.
 *
 * <p>Sources of the member lists: {@code <sys/socket.h>} (msghdr, cmsghdr, sockaddr), {@code <bits/uio.h>}
 * (iovec), {@code linux/in.h} (sockaddr_in, ip_mreqn, in_pktinfo), {@code linux/in6.h} and
 * {@code linux/ipv6.h} (in6_addr, sockaddr_in6, ipv6_mreq, in6_pktinfo), {@code linux/if_packet.h}
 * (sockaddr_ll), {@code linux/netlink.h} (sockaddr_nl, nlmsghdr, nlmsgerr, nlattr), {@code
 * linux/rtnetlink.h} (rtattr), {@code linux/if_link.h}/{@code rtnetlink.h} (ifinfomsg), {@code
 * linux/if_addr.h} (ifaddrmsg), {@code linux/if.h} (ifreq, ifmap). glibc's msghdr and cmsghdr use size_t
 * where the kernel's use {@code __kernel_size_t}: the same type on LP64.
 */
final class CStructs {
    private static final java.util.Map<String, MemoryLayout> C = Linker.nativeLinker().canonicalLayouts();

    /** C {@code char} / {@code unsigned char} / {@code __u8}. */
    static final ValueLayout.OfByte C_CHAR = (ValueLayout.OfByte) C.get("char");
    /** C {@code short} / {@code unsigned short} / {@code __u16} / {@code sa_family_t} / {@code in_port_t}. */
    static final ValueLayout.OfShort C_SHORT = (ValueLayout.OfShort) C.get("short");
    /** C {@code int} / {@code unsigned int} / {@code __u32} / {@code socklen_t}. */
    static final ValueLayout.OfInt C_INT = (ValueLayout.OfInt) C.get("int");
    /**
     * C {@code long} (also {@code ssize_t} on Linux). The cast fails on a platform whose long is not 64
     * bits: vrrp4j's downcalls pass Java longs for long, size_t and ssize_t, so it needs LP64.
     */
    static final ValueLayout.OfLong C_LONG = (ValueLayout.OfLong) C.get("long");
    /** C {@code size_t}. */
    static final ValueLayout.OfLong C_SIZE_T = (ValueLayout.OfLong) C.get("size_t");
    /** C {@code void *}. */
    static final AddressLayout C_POINTER = (AddressLayout) C.get("void*");

    /** {@code IFNAMSIZ} (linux/if.h): an interface name with its NUL. */
    static final int IFNAMSIZ = 16;

    // ---- addresses ----------------------------------------------------------------------------------

    /** {@code struct in_addr { __be32 s_addr; }}: network byte order, written as bytes. */
    static final StructLayout IN_ADDR = struct("in_addr", C_INT.withName("s_addr"));
    /** {@code struct in6_addr}: a union of 16 bytes, 8 shorts and 4 ints (so 4-byte aligned). */
    static final UnionLayout IN6_ADDR = MemoryLayout.unionLayout(
            MemoryLayout.sequenceLayout(16, C_CHAR).withName("s6_addr"),
            MemoryLayout.sequenceLayout(8, C_SHORT).withName("s6_addr16"),
            MemoryLayout.sequenceLayout(4, C_INT).withName("s6_addr32")).withName("in6_addr");
    /** {@code struct sockaddr { sa_family_t sa_family; char sa_data[14]; }}. */
    static final StructLayout SOCKADDR = struct("sockaddr", C_SHORT.withName("sa_family"),
            MemoryLayout.sequenceLayout(14, C_CHAR).withName("sa_data"));
    /** {@code struct sockaddr_in}. */
    static final StructLayout SOCKADDR_IN = struct("sockaddr_in", C_SHORT.withName("sin_family"),
            C_SHORT.withName("sin_port"), IN_ADDR.withName("sin_addr"),
            MemoryLayout.sequenceLayout(8, C_CHAR).withName("sin_zero"));
    /** {@code struct sockaddr_in6}. */
    static final StructLayout SOCKADDR_IN6 = struct("sockaddr_in6", C_SHORT.withName("sin6_family"),
            C_SHORT.withName("sin6_port"), C_INT.withName("sin6_flowinfo"), IN6_ADDR.withName("sin6_addr"),
            C_INT.withName("sin6_scope_id"));
    /** {@code struct sockaddr_ll} (AF_PACKET). */
    static final StructLayout SOCKADDR_LL = struct("sockaddr_ll", C_SHORT.withName("sll_family"),
            C_SHORT.withName("sll_protocol"), C_INT.withName("sll_ifindex"), C_SHORT.withName("sll_hatype"),
            C_CHAR.withName("sll_pkttype"), C_CHAR.withName("sll_halen"),
            MemoryLayout.sequenceLayout(8, C_CHAR).withName("sll_addr"));
    /** {@code struct sockaddr_nl} (AF_NETLINK). */
    static final StructLayout SOCKADDR_NL = struct("sockaddr_nl", C_SHORT.withName("nl_family"),
            C_SHORT.withName("nl_pad"), C_INT.withName("nl_pid"), C_INT.withName("nl_groups"));

    // ---- sendmsg / recvmsg --------------------------------------------------------------------------

    /** {@code struct iovec}. */
    static final StructLayout IOVEC = struct("iovec", C_POINTER.withName("iov_base"), C_SIZE_T.withName("iov_len"));
    /** {@code struct msghdr} (glibc; the kernel's user_msghdr is the same on LP64). */
    static final StructLayout MSGHDR = struct("msghdr", C_POINTER.withName("msg_name"), C_INT.withName("msg_namelen"),
            C_POINTER.withName("msg_iov"), C_SIZE_T.withName("msg_iovlen"), C_POINTER.withName("msg_control"),
            C_SIZE_T.withName("msg_controllen"), C_INT.withName("msg_flags"));
    /** {@code struct mmsghdr} (sendmmsg): a msghdr and the bytes the kernel sent of it. */
    static final StructLayout MMSGHDR = struct("mmsghdr", MSGHDR.withName("msg_hdr"), C_INT.withName("msg_len"));
    /** {@code struct cmsghdr}: the header of one control message; its data follows at {@link #CMSG_DATA}. */
    static final StructLayout CMSGHDR = struct("cmsghdr", C_SIZE_T.withName("cmsg_len"), C_INT.withName("cmsg_level"),
            C_INT.withName("cmsg_type"));
    /** {@code struct timespec} (time_t and long: 64 bits each on the 64-bit ABIs this runs on). */
    static final StructLayout TIMESPEC = struct("timespec", C_LONG.withName("tv_sec"), C_LONG.withName("tv_nsec"));
    /** {@code struct itimerspec} (timerfd_settime). */
    static final StructLayout ITIMERSPEC = struct("itimerspec", TIMESPEC.withName("it_interval"),
            TIMESPEC.withName("it_value"));
    /**
     * The kernel's {@code struct sigaction} (rt_sigaction(2), asm-generic/signal.h; x86_64's and aarch64's
     * both have sa_restorer, as both define SA_RESTORER), not glibc's, whose mask is 128 bytes.
     */
    static final StructLayout KERNEL_SIGACTION = struct("sigaction", C_POINTER.withName("sa_handler"),
            C_LONG.withName("sa_flags"), C_POINTER.withName("sa_restorer"), C_LONG.withName("sa_mask"));
    /** {@code struct in_pktinfo} (IP_PKTINFO). */
    static final StructLayout IN_PKTINFO = struct("in_pktinfo", C_INT.withName("ipi_ifindex"),
            IN_ADDR.withName("ipi_spec_dst"), IN_ADDR.withName("ipi_addr"));
    /** {@code struct in6_pktinfo} (IPV6_PKTINFO). */
    static final StructLayout IN6_PKTINFO = struct("in6_pktinfo", IN6_ADDR.withName("ipi6_addr"),
            C_INT.withName("ipi6_ifindex"));
    /** {@code struct ip_mreqn} (IP_ADD_MEMBERSHIP, IP_MULTICAST_IF). */
    static final StructLayout IP_MREQN = struct("ip_mreqn", IN_ADDR.withName("imr_multiaddr"),
            IN_ADDR.withName("imr_address"), C_INT.withName("imr_ifindex"));
    /** {@code struct ipv6_mreq} (IPV6_ADD_MEMBERSHIP). */
    static final StructLayout IPV6_MREQ = struct("ipv6_mreq", IN6_ADDR.withName("ipv6mr_multiaddr"),
            C_INT.withName("ipv6mr_ifindex"));

    // ---- netlink ------------------------------------------------------------------------------------

    /** {@code struct nlmsghdr}. */
    static final StructLayout NLMSGHDR = struct("nlmsghdr", C_INT.withName("nlmsg_len"), C_SHORT.withName("nlmsg_type"),
            C_SHORT.withName("nlmsg_flags"), C_INT.withName("nlmsg_seq"), C_INT.withName("nlmsg_pid"));
    /** {@code struct nlmsgerr}: the payload of NLMSG_ERROR (error 0 is an ACK). */
    static final StructLayout NLMSGERR = struct("nlmsgerr", C_INT.withName("error"), NLMSGHDR.withName("msg"));
    /** {@code struct ifinfomsg} (RTM_*LINK). */
    static final StructLayout IFINFOMSG = struct("ifinfomsg", C_CHAR.withName("ifi_family"), C_CHAR.withName("__ifi_pad"),
            C_SHORT.withName("ifi_type"), C_INT.withName("ifi_index"), C_INT.withName("ifi_flags"),
            C_INT.withName("ifi_change"));
    /** {@code struct ifaddrmsg} (RTM_*ADDR). */
    static final StructLayout IFADDRMSG = struct("ifaddrmsg", C_CHAR.withName("ifa_family"),
            C_CHAR.withName("ifa_prefixlen"), C_CHAR.withName("ifa_flags"), C_CHAR.withName("ifa_scope"),
            C_INT.withName("ifa_index"));
    /** {@code struct rtattr} (and {@code struct nlattr}, the same two shorts, for nested attributes). */
    static final StructLayout RTATTR = struct("rtattr", C_SHORT.withName("rta_len"), C_SHORT.withName("rta_type"));

    // ---- ioctl ----------------------------------------------------------------------------------------

    /** {@code struct ifmap}: only here because it sets the size of ifreq's union (two longs). */
    static final StructLayout IFMAP = struct("ifmap", C_LONG.withName("mem_start"), C_LONG.withName("mem_end"),
            C_SHORT.withName("base_addr"), C_CHAR.withName("irq"), C_CHAR.withName("dma"), C_CHAR.withName("port"));
    /** {@code struct ifreq}: the name, then a union whose members we read are a sockaddr and the flags. */
    static final StructLayout IFREQ = struct("ifreq", MemoryLayout.sequenceLayout(IFNAMSIZ, C_CHAR).withName("ifr_name"),
            MemoryLayout.unionLayout(SOCKADDR.withName("ifr_addr"), SOCKADDR.withName("ifr_hwaddr"),
                    C_SHORT.withName("ifr_flags"), C_INT.withName("ifr_ifindex"), IFMAP.withName("ifr_map"),
                    C_POINTER.withName("ifr_data")).withName("ifr_ifru"));

    // ---- derived offsets and sizes (the only numbers the socket code uses) ----------------------------

    static final long IOVEC_BASE = offset(IOVEC, "iov_base");
    static final long IOVEC_LEN = offset(IOVEC, "iov_len");

    static final long MSG_NAME = offset(MSGHDR, "msg_name");
    static final long MSG_NAMELEN = offset(MSGHDR, "msg_namelen");
    static final long MSG_IOV = offset(MSGHDR, "msg_iov");
    static final long MSG_IOVLEN = offset(MSGHDR, "msg_iovlen");
    static final long MSG_CONTROL = offset(MSGHDR, "msg_control");
    static final long MSG_CONTROLLEN = offset(MSGHDR, "msg_controllen");

    static final long CMSG_LEN_FIELD = offset(CMSGHDR, "cmsg_len");
    static final long CMSG_LEVEL = offset(CMSGHDR, "cmsg_level");
    static final long CMSG_TYPE = offset(CMSGHDR, "cmsg_type");
    /** {@code CMSG_DATA}: where a control message's data starts, from its header. */
    static final long CMSG_DATA = cmsgAlign(CMSGHDR.byteSize());

    static final long SIN_FAMILY = offset(SOCKADDR_IN, "sin_family");
    static final long SIN_ADDR = offset(SOCKADDR_IN, "sin_addr");
    static final long SIN6_FAMILY = offset(SOCKADDR_IN6, "sin6_family");
    static final long SIN6_ADDR = offset(SOCKADDR_IN6, "sin6_addr");
    static final long SIN6_SCOPE_ID = offset(SOCKADDR_IN6, "sin6_scope_id");

    static final long SLL_FAMILY = offset(SOCKADDR_LL, "sll_family");
    static final long SLL_PROTOCOL = offset(SOCKADDR_LL, "sll_protocol");
    static final long SLL_IFINDEX = offset(SOCKADDR_LL, "sll_ifindex");
    static final long SLL_HALEN = offset(SOCKADDR_LL, "sll_halen");
    static final long SLL_ADDR = offset(SOCKADDR_LL, "sll_addr");

    static final long NL_FAMILY = offset(SOCKADDR_NL, "nl_family");
    static final long NL_GROUPS = offset(SOCKADDR_NL, "nl_groups");

    static final long IMR_MULTIADDR = offset(IP_MREQN, "imr_multiaddr");
    static final long IMR_IFINDEX = offset(IP_MREQN, "imr_ifindex");
    static final long IPV6MR_MULTIADDR = offset(IPV6_MREQ, "ipv6mr_multiaddr");
    static final long IPV6MR_IFINDEX = offset(IPV6_MREQ, "ipv6mr_ifindex");

    static final long IT_VALUE_SEC = offset(ITIMERSPEC, "it_value", "tv_sec");
    static final long IT_VALUE_NSEC = offset(ITIMERSPEC, "it_value", "tv_nsec");
    static final long IPI_IFINDEX = offset(IN_PKTINFO, "ipi_ifindex");
    static final long IPI_SPEC_DST = offset(IN_PKTINFO, "ipi_spec_dst");
    static final long IPI6_ADDR = offset(IN6_PKTINFO, "ipi6_addr");
    static final long IPI6_IFINDEX = offset(IN6_PKTINFO, "ipi6_ifindex");

    static final long NLMSG_LEN_FIELD = offset(NLMSGHDR, "nlmsg_len");
    static final long NLMSG_TYPE = offset(NLMSGHDR, "nlmsg_type");
    static final long NLMSG_FLAGS = offset(NLMSGHDR, "nlmsg_flags");
    static final long NLMSG_SEQ = offset(NLMSGHDR, "nlmsg_seq");
    /** {@code NLMSG_HDRLEN}: where a netlink message's payload starts. */
    static final int NLMSG_HDRLEN = nlmsgAlign(NLMSGHDR.byteSize());
    static final long NLMSGERR_ERROR = offset(NLMSGERR, "error");

    static final int IFINFOMSG_SIZE = (int) IFINFOMSG.byteSize();
    static final long IFI_INDEX = offset(IFINFOMSG, "ifi_index");
    static final long IFI_FLAGS = offset(IFINFOMSG, "ifi_flags");
    static final long IFI_CHANGE = offset(IFINFOMSG, "ifi_change");

    static final int IFADDRMSG_SIZE = (int) IFADDRMSG.byteSize();
    static final long IFA_FAMILY = offset(IFADDRMSG, "ifa_family");
    static final long IFA_PREFIXLEN = offset(IFADDRMSG, "ifa_prefixlen");
    static final long IFA_FLAGS_FIELD = offset(IFADDRMSG, "ifa_flags");
    static final long IFA_SCOPE = offset(IFADDRMSG, "ifa_scope");
    static final long IFA_INDEX = offset(IFADDRMSG, "ifa_index");

    static final long RTA_LEN = offset(RTATTR, "rta_len");
    static final long RTA_TYPE = offset(RTATTR, "rta_type");
    /** {@code RTA_LENGTH(0)}: where an attribute's value starts (also nested attributes' first child). */
    static final int RTA_HDRLEN = rtaAlign(RTATTR.byteSize());

    /** The ifreq's interface address ({@code ifr_addr}, a sockaddr_in for SIOCGIFADDR): sin_addr. */
    static final long IFR_ADDR_SIN_ADDR = offset(IFREQ, "ifr_ifru", "ifr_addr") + SIN_ADDR;
    /** The ifreq's hardware address ({@code ifr_hwaddr.sa_data}, SIOCGIFHWADDR). */
    static final long IFR_HWADDR_DATA = offset(IFREQ, "ifr_ifru", "ifr_hwaddr", "sa_data");
    static final long IFR_FLAGS = offset(IFREQ, "ifr_ifru", "ifr_flags");
    /** The ifreq's interface index ({@code ifr_ifindex}, SIOCGIFINDEX). */
    static final long IFR_IFINDEX = offset(IFREQ, "ifr_ifru", "ifr_ifindex");

    private CStructs() {
    }

    /** {@code CMSG_ALIGN}: control messages are aligned to {@code sizeof(long)} (linux/socket.h). */
    static long cmsgAlign(long length) {
        long a = C_LONG.byteSize();
        return (length + a - 1) & -a;
    }

    /** {@code CMSG_LEN(n)}: the cmsg_len of a message carrying {@code n} data bytes. */
    static long cmsgLen(long n) {
        return CMSG_DATA + n;
    }

    /** {@code CMSG_SPACE(n)}: the room a message carrying {@code n} data bytes takes in the buffer. */
    static long cmsgSpace(long n) {
        return CMSG_DATA + cmsgAlign(n);
    }

    /** {@code NLMSG_ALIGN} (NLMSG_ALIGNTO 4). */
    static int nlmsgAlign(long length) {
        return (int) ((length + 3) & ~3L);
    }

    /** {@code RTA_ALIGN} (RTA_ALIGNTO 4; NLA_ALIGN is the same). */
    static int rtaAlign(long length) {
        return (int) ((length + 3) & ~3L);
    }

    /** A member's offset, by path of member names. */
    static long offset(GroupLayout layout, String... path) {
        return layout.byteOffset(Arrays.stream(path).map(PathElement::groupElement).toArray(PathElement[]::new));
    }

    /**
     * A C struct of these members: each one after padding to its own alignment, the whole padded to a
     * multiple of the largest alignment (what the compiler does for a struct without packing attributes).
     */
    static StructLayout struct(String name, MemoryLayout... members) {
        List<MemoryLayout> laid = new ArrayList<>();
        long at = 0;
        long align = 1;
        for (MemoryLayout m : members) {
            long pad = (m.byteAlignment() - at % m.byteAlignment()) % m.byteAlignment();
            if (pad > 0) {
                laid.add(MemoryLayout.paddingLayout(pad));
                at += pad;
            }
            laid.add(m);
            at += m.byteSize();
            align = Math.max(align, m.byteAlignment());
        }
        long tail = (align - at % align) % align;
        if (tail > 0) {
            laid.add(MemoryLayout.paddingLayout(tail));
        }
        return MemoryLayout.structLayout(laid.toArray(MemoryLayout[]::new)).withName(name);
    }
}

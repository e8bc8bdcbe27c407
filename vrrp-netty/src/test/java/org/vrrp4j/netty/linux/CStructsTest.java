package org.vrrp4j.netty.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vrrp4j.netty.linux.CStructs.*;

import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The struct layouts, computed on this machine from its C types, against the Linux LP64 ABI that x86_64
 * and aarch64 share: every size and offset below is read off the uapi headers and glibc (member lists in
 * {@link CStructs}), worked out with natural alignment on a 64-bit long and pointer. Run on an aarch64
 * machine, the same test checks that platform. And no socket code writes a struct at a hand-written
 * offset: every segment access's offset is derived from these layouts. No root.
 */
@Timeout(10)
class CStructsTest {

    @Test
    void theCTypesAreLp64() {
        assertThat(List.of(C_CHAR.byteSize(), C_SHORT.byteSize(), C_INT.byteSize(), C_LONG.byteSize(),
                C_SIZE_T.byteSize(), C_POINTER.byteSize())).containsExactly(1L, 2L, 4L, 8L, 8L, 8L);
        assertThat(List.of(C_SHORT.byteAlignment(), C_INT.byteAlignment(), C_LONG.byteAlignment(),
                C_SIZE_T.byteAlignment(), C_POINTER.byteAlignment())).containsExactly(2L, 4L, 8L, 8L, 8L);
    }

    @Test
    void socketStructsHaveTheLinuxLp64Layout() {
        check(IOVEC, 16, "iov_base", 0, "iov_len", 8);
        check(MSGHDR, 56, "msg_name", 0, "msg_namelen", 8, "msg_iov", 16, "msg_iovlen", 24, "msg_control", 32,
                "msg_controllen", 40, "msg_flags", 48);
        check(MMSGHDR, 64, "msg_hdr", 0, "msg_len", 56); // sendmmsg steps through an array of them
        check(CMSGHDR, 16, "cmsg_len", 0, "cmsg_level", 8, "cmsg_type", 12);
        assertThat(CMSGHDR.select(MemoryLayout.PathElement.groupElement("cmsg_len")).byteSize())
                .as("cmsg_len is a size_t").isEqualTo(8);
        check(IN_ADDR, 4, "s_addr", 0);
        assertThat(IN6_ADDR.byteSize()).isEqualTo(16);
        assertThat(KERNEL_SIGACTION.byteSize()).isEqualTo(32); // handler, flags, restorer, a 64-bit mask
        assertThat(IN6_ADDR.byteAlignment()).as("in6_addr holds __be32[4]").isEqualTo(4);
        check(SOCKADDR, 16, "sa_family", 0, "sa_data", 2);
        check(SOCKADDR_IN, 16, "sin_family", 0, "sin_port", 2, "sin_addr", 4, "sin_zero", 8);
        check(SOCKADDR_IN6, 28, "sin6_family", 0, "sin6_port", 2, "sin6_flowinfo", 4, "sin6_addr", 8,
                "sin6_scope_id", 24);
        check(SOCKADDR_LL, 20, "sll_family", 0, "sll_protocol", 2, "sll_ifindex", 4, "sll_hatype", 8,
                "sll_pkttype", 10, "sll_halen", 11, "sll_addr", 12);
        check(IN_PKTINFO, 12, "ipi_ifindex", 0, "ipi_spec_dst", 4, "ipi_addr", 8);
        check(IN6_PKTINFO, 20, "ipi6_addr", 0, "ipi6_ifindex", 16);
        check(IP_MREQN, 12, "imr_multiaddr", 0, "imr_address", 4, "imr_ifindex", 8);
        check(IPV6_MREQ, 20, "ipv6mr_multiaddr", 0, "ipv6mr_ifindex", 16);
        check(IFMAP, 24, "mem_start", 0, "mem_end", 8, "base_addr", 16, "irq", 18, "dma", 19, "port", 20);
        check(IFREQ, 40, "ifr_name", 0, "ifr_ifru", 16);
    }

    @Test
    void controlMessageMacrosAreLinuxs() {
        assertThat(CMSG_DATA).as("CMSG_DATA offset").isEqualTo(16);
        assertThat(cmsgLen(IN_PKTINFO.byteSize())).as("CMSG_LEN(sizeof(struct in_pktinfo))").isEqualTo(28);
        assertThat(cmsgSpace(IN_PKTINFO.byteSize())).as("CMSG_SPACE(sizeof(struct in_pktinfo))").isEqualTo(32);
        assertThat(cmsgLen(IN6_PKTINFO.byteSize())).as("CMSG_LEN(sizeof(struct in6_pktinfo))").isEqualTo(36);
        assertThat(cmsgSpace(IN6_PKTINFO.byteSize())).as("CMSG_SPACE(sizeof(struct in6_pktinfo))").isEqualTo(40);
        assertThat(cmsgLen(C_INT.byteSize())).as("CMSG_LEN(sizeof(int)), IPV6_HOPLIMIT").isEqualTo(20);
        assertThat(cmsgSpace(C_INT.byteSize())).as("CMSG_SPACE(sizeof(int))").isEqualTo(24);
        assertThat(cmsgAlign(29)).isEqualTo(32);
    }

    @Test
    void netlinkStructsHaveTheLinuxLayout() {
        check(SOCKADDR_NL, 12, "nl_family", 0, "nl_pad", 2, "nl_pid", 4, "nl_groups", 8);
        check(NLMSGHDR, 16, "nlmsg_len", 0, "nlmsg_type", 4, "nlmsg_flags", 6, "nlmsg_seq", 8, "nlmsg_pid", 12);
        check(NLMSGERR, 20, "error", 0, "msg", 4);
        check(IFINFOMSG, 16, "ifi_family", 0, "__ifi_pad", 1, "ifi_type", 2, "ifi_index", 4, "ifi_flags", 8,
                "ifi_change", 12);
        check(IFADDRMSG, 8, "ifa_family", 0, "ifa_prefixlen", 1, "ifa_flags", 2, "ifa_scope", 3, "ifa_index", 4);
        check(RTATTR, 4, "rta_len", 0, "rta_type", 2);
        assertThat(NLMSG_HDRLEN).isEqualTo(16);
        assertThat(RTA_HDRLEN).as("RTA_LENGTH(0)").isEqualTo(4);
        assertThat(nlmsgAlign(21)).isEqualTo(24);
        assertThat(rtaAlign(5)).isEqualTo(8);
    }

    @Test
    void theIfreqMembersReadAreWhereTheIoctlsPutThem() {
        assertThat(IFR_FLAGS).as("ifr_flags").isEqualTo(16);
        assertThat(IFR_HWADDR_DATA).as("ifr_hwaddr.sa_data (the MAC)").isEqualTo(18);
        assertThat(IFR_ADDR_SIN_ADDR).as("((struct sockaddr_in *) &ifr_addr)->sin_addr").isEqualTo(20);
    }

    @Test
    void aStructIsLaidOutAsACompilerDoes() {
        // char, then long: 7 bytes of padding; the whole rounded up to the long's alignment
        GroupLayout s = struct("s", C_CHAR.withName("c"), C_LONG.withName("l"), C_SHORT.withName("h"));
        assertThat(offset(s, "l")).isEqualTo(8);
        assertThat(offset(s, "h")).isEqualTo(16);
        assertThat(s.byteSize()).isEqualTo(24);
        assertThat(s.byteAlignment()).isEqualTo(8);
    }

    @Test
    void onlyLinuxOnX8664AndAarch64IsTakenForSupported() {
        Platform.requireSupported("Linux", "amd64");
        Platform.requireSupported("Linux", "aarch64");
        assertThatThrownBy(() -> Platform.requireSupported("Linux", "mips64el"))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("Linux x86_64 and aarch64").hasMessageContaining("mips64el");
        assertThatThrownBy(() -> Platform.requireSupported("Mac OS X", "aarch64"))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("Mac OS X");
    }

    // ---- no hand-written offsets in the socket code ------------------------------------------------

    private static final Path SOURCES = Path.of("src/main/java/org/vrrp4j/netty/linux");

    @Test
    void everyStructAccessInTheSocketCodeUsesDerivedOffsets() throws IOException {
        List<String> violations = new ArrayList<>();
        int accesses = 0;
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                if (f.getFileName().toString().equals("CStructs.java")) {
                    continue; // where the layouts and the C macros are defined
                }
                Scan scan = scan(Files.readString(f));
                accesses += scan.accesses;
                scan.violations.forEach(v -> violations.add(f.getFileName() + ": " + v));
            }
        }
        assertThat(accesses).as("struct accesses found (the scan sees the code)").isGreaterThan(60);
        assertThat(violations).isEmpty();
    }

    @Test
    void theScanCatchesLiteralOffsetsAndJavaLayouts() {
        Scan scan = scan("""
                msg.set(ValueLayout.JAVA_LONG, 40, 32);
                to.set(C_INT, SLL_IFINDEX, ifindex);
                buf.get(C_INT, at + 20);
                MemorySegment.copy(name, C_CHAR, 8, out, 0, 16);
                MemorySegment.copy(src, 0, c, C_CHAR, CMSG_DATA + IPI6_ADDR, 16);
                MemorySegment mreq = a.allocate(20, 4);
                MemorySegment ok = a.allocate(IPV6_MREQ);
                ByteBuffer b = ByteBuffer.allocate(32);
                """);
        assertThat(scan.accesses).isEqualTo(7);
        assertThat(scan.violations).hasSize(5);
        assertThat(String.join("\n", scan.violations)).contains("JAVA_LONG", "at + 20", "copy", "allocate(20, 4)");
    }

    private record Scan(int accesses, List<String> violations) {
    }

    private static final Pattern CALL = Pattern.compile("(\\w+)\\.(get|set|copy|allocate)\\(");
    private static final Pattern LAYOUT = Pattern.compile("(ValueLayout\\.\\w+|C_\\w+(\\.withOrder\\(.*\\))?)");
    private static final Pattern LITERAL = Pattern.compile("\\b\\d+[lL]?\\b");

    /** Finds segment accesses (get/set/copy with a layout argument, allocate) and their offsets. */
    private static Scan scan(String source) {
        List<String> bad = new ArrayList<>();
        int accesses = 0;
        Matcher m = CALL.matcher(source);
        while (m.find()) {
            List<String> args = arguments(source, m.end());
            String call = m.group(2) + "(" + String.join(", ", args) + ")";
            if (m.group(2).equals("allocate")) {
                if (args.isEmpty() || args.getFirst().startsWith("\"") || m.group(1).equals("ByteBuffer")) {
                    continue; // allocateFrom("string"), a heap ByteBuffer
                }
                accesses++;
                if (LITERAL.matcher(args.getFirst()).find()) {
                    bad.add("size by hand: " + call);
                }
                continue;
            }
            int layout = -1;
            for (int i = 0; i < args.size(); i++) {
                if (LAYOUT.matcher(args.get(i)).matches()) {
                    layout = i;
                    break;
                }
            }
            if (layout < 0 || layout + 1 >= args.size()) {
                continue; // not a memory access (a map's get, a VarHandle's, ...)
            }
            accesses++;
            if (args.get(layout).startsWith("ValueLayout.")) {
                bad.add("a Java layout, not the C type's: " + call);
            }
            String offset = args.get(layout + 1);
            if (!offset.equals("0") && !offset.equals("0L") && LITERAL.matcher(offset).find()) {
                bad.add("offset by hand: " + call);
            }
        }
        return new Scan(accesses, bad);
    }

    /** The top-level arguments of the call whose '(' ends just before {@code from}. */
    private static List<String> arguments(String s, int from) {
        List<String> args = new ArrayList<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                int end = s.indexOf('"', i + 1);
                cur.append(s, i, end + 1);
                i = end;
                continue;
            }
            if ((c == ',' || c == ')') && depth == 0) {
                if (!cur.toString().isBlank()) {
                    args.add(cur.toString().strip());
                }
                cur.setLength(0);
                if (c == ')') {
                    break;
                }
                continue;
            }
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
            cur.append(c);
        }
        return args;
    }

    /** Checks the size and each member's offset (name, offset, name, offset, ...). */
    private static void check(GroupLayout layout, long size, Object... members) {
        Map<String, Long> expected = new LinkedHashMap<>();
        for (int i = 0; i < members.length; i += 2) {
            expected.put((String) members[i], ((Number) members[i + 1]).longValue());
        }
        Map<String, Long> actual = new LinkedHashMap<>();
        expected.keySet().forEach(name -> actual.put(name, offset(layout, name)));
        String what = layout.name().orElseThrow();
        assertThat(actual).as(what + " offsets").containsExactlyEntriesOf(expected);
        assertThat(layout.byteSize()).as("sizeof(struct " + what + ")").isEqualTo(size);
        long named = layout.memberLayouts().stream().filter(l -> l.name().isPresent()).count();
        assertThat(expected).as(what + ": every member checked").hasSize((int) named);
    }
}

package org.vrrp4j.netty.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vrrp4j.testkit.junit.Prerequisites;

/**
 * {@link Libc.Sys}' system call numbers against the kernel's own headers (Debian's linux-libc-dev): x86_64's
 * table, and asm-generic's, which aarch64 uses. A wrong number would make another system call, so both
 * columns are checked on this x86_64 machine, the aarch64 one included. No root.
 */
@Timeout(10)
class SyscallNumbersTest {
    private static final Path X86_64 = Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
    private static final Path GENERIC = Path.of("/usr/include/asm-generic/unistd.h");
    // "#define __NR_socket 41", asm-generic's "#define __NR3264_fcntl 25" spelling included
    private static final Pattern DEFINE = Pattern.compile("^#define __NR(?:3264)?_(\\w+)\\s+(\\d+)\\s*$", Pattern.MULTILINE);

    private static Map<String, Integer> numbers(Path header) throws IOException {
        if (!Files.isReadable(header)) {
            Prerequisites.unavailable(header + " is missing (Debian: apt-get install linux-libc-dev)");
        }
        Map<String, Integer> numbers = new HashMap<>();
        Matcher m = DEFINE.matcher(Files.readString(header));
        while (m.find()) {
            numbers.putIfAbsent(m.group(1), Integer.parseInt(m.group(2)));
        }
        return numbers;
    }

    @Test
    void x86_64sNumbersAreTheKernelHeadersOnes() throws IOException {
        Map<String, Integer> kernel = numbers(X86_64);
        for (Libc.Sys s : Libc.Sys.values()) {
            assertThat(s.x86_64).as(s.name()).isEqualTo(kernel.get(s.name().toLowerCase(Locale.ROOT)));
        }
    }

    @Test
    void aarch64sNumbersAreAsmGenericsOnes() throws IOException {
        Map<String, Integer> kernel = numbers(GENERIC);
        for (Libc.Sys s : Libc.Sys.values()) {
            assertThat(s.generic).as(s.name()).isEqualTo(kernel.get(s.name().toLowerCase(Locale.ROOT)));
        }
    }

    @Test
    void thisMachineUsesItsArchitecturesColumn() {
        boolean aarch64 = System.getProperty("os.arch").equals("aarch64");
        for (Libc.Sys s : Libc.Sys.values()) {
            assertThat(s.number).as(s.name()).isEqualTo(aarch64 ? s.generic : s.x86_64);
        }
    }
}

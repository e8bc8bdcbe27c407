package org.vrrp4j.netty.linux;

import java.util.Set;

/**
 * Where vrrp-netty runs: Linux on x86_64 or aarch64. {@link Libc}'s constants and {@link CStructs}' LP64
 * layouts are those platforms' (the same on both, see {@link Libc}); elsewhere the node refuses to start
 * with a message, checked before those classes load (their initialization would fail without one: a
 * 32-bit long, a libc without setns).
 */
public final class Platform {
    /** The architectures vrrp-netty supports, as {@code os.arch} names them. */
    static final Set<String> SUPPORTED_ARCHS = Set.of("amd64", "x86_64", "aarch64");

    private Platform() {
    }

    /**
     * Fails with a message saying what is supported unless this is Linux on x86_64 or aarch64.
     *
     * @throws UnsupportedOperationException on any other operating system or architecture
     */
    public static void requireSupported() {
        requireSupported(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    static void requireSupported(String os, String arch) {
        if (!os.equals("Linux") || !SUPPORTED_ARCHS.contains(arch)) {
            throw new UnsupportedOperationException("vrrp-netty runs on Linux x86_64 and aarch64 (its socket constants"
                    + " and struct layouts are theirs); this is " + os + " " + arch);
        }
    }
}

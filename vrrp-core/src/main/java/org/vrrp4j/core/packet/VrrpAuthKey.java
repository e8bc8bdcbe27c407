package org.vrrp4j.core.packet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The 8-byte VRRPv2 simple-text authentication data (keepalived {@code auth_type PASS}). Longer
 * passwords are truncated to 8 bytes and shorter ones padded with zeros, as keepalived does.
 * Compared in constant time; never printed.
 */
public final class VrrpAuthKey {
    /** Auth data length on the wire, always present in a VRRPv2 packet. */
    public static final int LENGTH = 8;

    private final byte[] key;

    private VrrpAuthKey(byte[] key) {
        this.key = key;
    }

    /** A key from a password: UTF-8 bytes, truncated or zero-padded to 8 (keepalived's rule). */
    public static VrrpAuthKey ofPassword(String password) {
        byte[] raw = password.getBytes(StandardCharsets.UTF_8);
        return new VrrpAuthKey(Arrays.copyOf(raw, LENGTH));
    }

    /** A key from the 8 raw bytes of the auth data field. */
    public static VrrpAuthKey ofBytes(byte[] data) {
        if (data.length != LENGTH) {
            throw new IllegalArgumentException("auth data must be " + LENGTH + " bytes, got " + data.length);
        }
        return new VrrpAuthKey(data.clone());
    }

    /** Whether a password is longer than the 8 bytes that go on the wire (callers warn about it). */
    public static boolean isTruncated(String password) {
        return password.getBytes(StandardCharsets.UTF_8).length > LENGTH;
    }

    /** Copies the 8 key bytes into {@code dst} at {@code offset}. */
    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(key, 0, dst, offset, LENGTH);
    }

    /** A copy of the 8 key bytes. */
    public byte[] toBytes() {
        return key.clone();
    }

    /** Constant-time comparison with 8 bytes of received auth data at {@code offset}. */
    public boolean matches(byte[] data, int offset) {
        if (offset < 0 || data.length - offset < LENGTH) {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < LENGTH; i++) {
            diff |= key[i] ^ data[offset + i];
        }
        return diff == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VrrpAuthKey other && MessageDigest.isEqual(key, other.key);
    }

    @Override
    public int hashCode() {
        return 0x5ec7e7; // constant: the key's bytes must not leak through hashing either
    }

    @Override
    public String toString() {
        return "VrrpAuthKey[****]";
    }
}

package org.vrrp4j.core.packet;

/** The outcome of decoding received bytes: a packet, or the reason it was dropped. */
public sealed interface DecodeResult {

    /** A valid packet and the checksum form that verified it. */
    record Decoded(VrrpPacket packet, ChecksumForm checksumForm) implements DecodeResult {
    }

    /** A rejected packet. {@code vrid} is the VRID byte when the bytes reached that far, else -1. */
    record Rejected(DropReason reason, int vrid) implements DecodeResult {
    }
}

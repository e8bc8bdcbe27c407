package org.vrrp4j.keepalived;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.packet.ChecksumForm;
import org.vrrp4j.core.packet.VrrpVersion;

/** What a {@code vrrp_instance} block said, before keepalived's completion rules and the core validate it. */
final class InstanceDraft {
    final String name;
    final SourceLocation where;
    /** The line of each keyword the block gave (the last one when repeated): where completion errors point. */
    final Map<String, SourceLocation> seen = new LinkedHashMap<>();
    InitialState state;
    String iface;
    Integer vrid;
    Integer priority;
    long advertMicros = Values.MICROS;
    VrrpVersion version;
    /** {@code vrrp_v3_ipv4_checksum} in the instance; null means global_defs' (or the default). */
    ChecksumForm ipv4Checksum;
    String authType;
    String authPass;
    final List<VirtualAddress> vips = new ArrayList<>();
    /** Every line's address in file order, repeats included (keepalived advertises each line). */
    final List<InetAddress> vipOrder = new ArrayList<>();
    boolean nopreempt;
    long preemptDelayMicros;
    Boolean accept;
    boolean lowerPrioNoAdvert;
    InetAddress source;
    final List<InetAddress> peers = new ArrayList<>();
    final List<Tracked> trackInterfaces = new ArrayList<>();
    final List<Tracked> trackScripts = new ArrayList<>();
    final NotifyScripts notify;
    GarpSettings garp;
    boolean useVmac;
    String vmacName;
    final List<ProviderBlock> providers = new ArrayList<>();

    InstanceDraft(String name, SourceLocation where, GarpSettings garp) {
        this.name = name;
        this.where = where;
        this.garp = garp;
        this.notify = new NotifyScripts("vrrp_instance " + name, " (as keepalived does)");
    }
}

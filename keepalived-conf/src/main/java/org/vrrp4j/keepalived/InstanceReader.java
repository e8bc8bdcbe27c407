package org.vrrp4j.keepalived;

import static org.vrrp4j.keepalived.BlockCursor.error;
import static org.vrrp4j.keepalived.Values.MICROS;
import static org.vrrp4j.keepalived.Values.arg;
import static org.vrrp4j.keepalived.Values.bool;
import static org.vrrp4j.keepalived.Values.decimalMicros;
import static org.vrrp4j.keepalived.Values.repeat;
import static org.vrrp4j.keepalived.Values.seconds;
import static org.vrrp4j.keepalived.Values.signed;
import static org.vrrp4j.keepalived.Values.unsigned;
import static org.vrrp4j.keepalived.Values.version;

import java.util.ArrayList;
import java.util.List;
import org.vrrp4j.core.config.VirtualAddress;
import org.vrrp4j.core.packet.VrrpAuthKey;
import org.vrrp4j.keepalived.ConfigLexer.Line;
import org.vrrp4j.keepalived.Keyword.Block;

/**
 * {@code vrrp_instance NAME { ... }} (keepalived's {@code vrrp_parser.c}) into {@link InstanceDraft}s;
 * {@link InstanceCompletion} turns them into {@link Instance}s once the whole file is read.
 */
final class InstanceReader {
    private final BlockCursor c;
    private final GlobalDefsReader global;
    private final SourceLocations.Builder locations;
    private final List<InstanceDraft> drafts = new ArrayList<>();

    InstanceReader(BlockCursor c, GlobalDefsReader global, SourceLocations.Builder locations) {
        this.c = c;
        this.global = global;
        this.locations = locations;
    }

    /** The instances read so far, in file order. */
    List<InstanceDraft> drafts() {
        return drafts;
    }

    void read(Line opener) throws ConfigFileException {
        if (opener.size() != 2) {
            throw error(opener, "vrrp_instance needs exactly one name");
        }
        String name = opener.words().get(1);
        for (InstanceDraft other : drafts) {
            if (other.name.equals(name)) {
                throw error(opener, "vrrp_instance " + name + " is already defined at " + other.where);
            }
        }
        // keepalived copies the global garp settings when the instance starts (alloc_vrrp)
        InstanceDraft d = new InstanceDraft(name, opener.where(), global.garp());
        c.openBlock(opener);
        Line l;
        while ((l = c.nextKeyword(opener, Block.VRRP_INSTANCE)) != null) {
            String kw = l.keyword();
            d.seen.put(kw, l.where());
            switch (kw) {
                case "state" -> d.state = switch (arg(l, 1)) {
                    case "MASTER" -> InitialState.MASTER;
                    case "BACKUP" -> InitialState.BACKUP;
                    default -> throw error(l, "state must be MASTER or BACKUP, got '" + l.words().get(1) + "'");
                };
                case "interface" -> {
                    String ifname = arg(l, 1);
                    if (ifname.length() >= 16) {
                        throw error(l, "interface name '" + ifname + "' is longer than 15 characters");
                    }
                    d.iface = ifname;
                }
                case "virtual_router_id" -> d.vrid = unsigned(l, 1, 1, 255);
                case "priority" -> d.priority = unsigned(l, 1, 1, 255);
                case "advert_int" -> d.advertMicros = decimalMicros(l, 1, MICROS / 100, 255 * MICROS);
                case "version" -> d.version = version(l);
                case "vrrp_v3_ipv4_checksum" -> d.ipv4Checksum = Values.ipv4ChecksumForm(l);
                case "authentication" -> authentication(l, d);
                case "virtual_ipaddress" -> {
                    for (Line v : c.valueBlock(l)) {
                        VirtualAddress va = VirtualAddressReader.read(v, d.vips, c);
                        d.vipOrder.add(va.address());
                        if (d.vips.stream().anyMatch(x -> x.address().equals(va.address()))) {
                            // keepalived 2.2.7 keeps every line (its sample keepalived.conf.vrrp does this), adverts
                            // carry the address twice, and adding it again fails (EEXIST): so the first line rules
                            c.warn(v, ConfigWarning.Kind.ADJUSTED, "virtual address " + va.address().getHostAddress()
                                    + " is listed again; adverts carry it twice as keepalived's do, and it is added once,"
                                    + " as its first line says (this line's options have no effect, as in keepalived)");
                        } else {
                            d.vips.add(va);
                        }
                    }
                }
                case "virtual_ipaddress_excluded" -> c.valueBlock(l); // the table's warning says they are not added
                case "nopreempt" -> d.nopreempt = true;
                case "preempt" -> d.nopreempt = false;
                case "preempt_delay" -> d.preemptDelayMicros = decimalMicros(l, 1, 0, 1000 * MICROS);
                case "accept" -> d.accept = true;
                case "no_accept" -> d.accept = false;
                case "lower_prio_no_advert" -> d.lowerPrioNoAdvert = l.size() < 2 || bool(l, 1);
                case "unicast_src_ip", "mcast_src_ip" -> d.source = Values.address(l, arg(l, 1), "source address");
                case "unicast_peer" -> {
                    for (Line v : c.valueBlock(l)) {
                        d.peers.add(Values.address(v, v.keyword(), "unicast peer"));
                        if (v.size() > 1) {
                            c.warn(v, ConfigWarning.Kind.UNSUPPORTED, "unicast_peer options ("
                                    + String.join(" ", v.words().subList(1, v.size()))
                                    + ") are not supported by vrrp4j; ignored");
                        }
                    }
                }
                case "track_interface" -> {
                    for (Line v : c.valueBlock(l)) {
                        tracked(v, d.trackInterfaces, "track_interface");
                    }
                }
                case "track_script" -> {
                    for (Line v : c.valueBlock(l)) {
                        tracked(v, d.trackScripts, "track_script");
                    }
                }
                case "notify_master", "notify_backup", "notify_fault", "notify_stop", "notify" -> d.notify.read(l, c);
                case "garp_master_delay" -> d.garp = d.garp.withMasterDelay(seconds(l, 0));
                case "garp_master_repeat" -> d.garp = d.garp.withMasterRepeat(repeat(l, c));
                case "garp_master_refresh" -> d.garp = d.garp.withMasterRefresh(seconds(l, 0));
                case "garp_master_refresh_repeat" -> d.garp = d.garp.withMasterRefreshRepeat(repeat(l, c));
                case "garp_lower_prio_delay" -> d.garp = d.garp.withLowerPrioDelay(seconds(l, 0));
                case "garp_lower_prio_repeat" -> d.garp = d.garp.withLowerPrioRepeat(Values.unsigned(l, 1, 0, Integer.MAX_VALUE));
                case "use_vmac" -> useVmac(l, d);
                case "failover_provider" -> {
                    locations.instanceProvider(name, d.providers.size(), l.where());
                    d.providers.add(ProviderBlockReader.read(l, c));
                }
                default -> throw BlockCursor.notInSwitch(l, Block.VRRP_INSTANCE);
            }
        }
        drafts.add(d);
        locations.instance(name, d.where);
        d.seen.forEach((kw, at) -> locations.instanceKeyword(name, kw, at));
    }

    private void useVmac(Line l, InstanceDraft d) throws ConfigFileException {
        d.useVmac = true;
        for (String w : l.words().subList(1, Math.min(l.size(), 3))) {
            if (w.contains(":")) {
                c.warn(l, ConfigWarning.Kind.UNSUPPORTED,
                        "use_vmac with a MAC address is not supported by vrrp4j; the MAC is ignored");
            } else if (w.isEmpty() || w.length() >= 16 || w.contains("/") || w.equals(".") || w.equals("..")) {
                throw error(l, "use_vmac: '" + w + "' is not a valid interface name");
            } else {
                d.vmacName = w;
            }
        }
    }

    private void authentication(Line kw, InstanceDraft d) throws ConfigFileException {
        c.openBlock(kw);
        Line l;
        while ((l = c.nextKeyword(kw, Block.AUTHENTICATION)) != null) {
            switch (l.keyword()) {
                case "auth_type" -> {
                    d.seen.put("auth_type", l.where());
                    String type = arg(l, 1);
                    switch (type) {
                        case "PASS" -> d.authType = type;
                        case "AH" -> throw error(l, "auth_type AH (IPsec authentication header) is not supported by "
                                + "vrrp4j; use auth_type PASS or no authentication");
                        default -> throw error(l, "auth_type must be PASS or AH, got '" + type + "'");
                    }
                }
                case "auth_pass" -> {
                    d.seen.put("auth_pass", l.where());
                    if (l.size() < 2 || l.words().get(1).isEmpty()) {
                        throw error(l, "auth_pass needs a password");
                    }
                    d.authPass = l.words().get(1);
                    if (VrrpAuthKey.isTruncated(d.authPass)) {
                        c.warn(l, "auth_pass is longer than " + VrrpAuthKey.LENGTH
                                + " bytes; only the first " + VrrpAuthKey.LENGTH + " are used (as keepalived does)");
                    }
                }
                default -> throw BlockCursor.notInSwitch(l, Block.AUTHENTICATION);
            }
        }
    }

    /** One line of {@code track_interface} / {@code track_script}: {@code NAME [weight W [reverse|noreverse]]}. */
    private void tracked(Line v, List<Tracked> into, String what) throws ConfigFileException {
        String name = v.keyword();
        for (Tracked t : into) {
            if (t.name().equals(name)) {
                c.warn(v, "duplicate " + what + " " + name + "; ignored (as keepalived does)");
                return;
            }
        }
        Integer weight = null;
        if (v.size() >= 2) {
            if (!v.words().get(1).equals("weight")) {
                throw error(v, what + " " + name + ": unknown option '" + v.words().get(1) + "' (only 'weight W')");
            }
            if (v.size() < 3) {
                throw error(v, what + " " + name + ": 'weight' needs a value");
            }
            weight = signed(v, 2, -254, 254, what + " " + name + ": weight");
            if (weight == 254 || weight == -254) {
                c.warn(v, what + " " + name + ": weight cannot be +/-254; using +/-253 (as keepalived does)");
                weight = weight > 0 ? 253 : -253;
            }
            if (v.size() >= 4) {
                String opt = v.words().get(3);
                if (opt.equals("reverse")) {
                    throw error(v, what + " " + name + ": 'weight ... reverse' is not supported by vrrp4j");
                } else if (!opt.equals("noreverse")) {
                    throw error(v, what + " " + name + ": unknown weight option '" + opt + "'");
                }
            }
        }
        into.add(new Tracked(name, weight, v.where()));
    }
}

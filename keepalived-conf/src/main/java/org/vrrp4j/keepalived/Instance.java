package org.vrrp4j.keepalived;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vrrp4j.core.config.VirtualRouterConfig;

/**
 * A {@code vrrp_instance}: the core router configuration plus what the launcher needs around it. Where it
 * was configured is in {@link KeepalivedConfig#locations()}, not here: equal settings are equal values.
 *
 * @param name            the instance name (also {@code router.name()})
 * @param router          the validated core configuration
 * @param initialState    {@code state}; when absent MASTER for priority 255, else BACKUP (keepalived's rule)
 * @param trackInterfaces {@code track_interface} names; also in {@code router.trackers()} as {@code if:<name>}
 * @param trackScripts    {@code track_script} names; also in {@code router.trackers()} as {@code script:<name>}
 * @param useVmac         {@code use_vmac}
 * @param vmacName        the VMAC interface name given to {@code use_vmac}, if any
 * @param garp            the instance's gratuitous ARP settings (global defaults overridden by the instance)
 * @param providers       failover provider blocks: {@code failover_provider} blocks in file order, then
 *                        the notify scripts as one {@code exec} block
 */
public record Instance(String name, VirtualRouterConfig router, InitialState initialState,
        List<String> trackInterfaces, List<String> trackScripts, boolean useVmac, Optional<String> vmacName,
        GarpSettings garp, List<ProviderBlock> providers) {

    /** Prefix of an interface tracker's name in {@code router.trackers()}. */
    public static final String INTERFACE_TRACKER_PREFIX = "if:";
    /** Prefix of a script tracker's name in {@code router.trackers()}. */
    public static final String SCRIPT_TRACKER_PREFIX = "script:";

    public Instance {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(router, "router");
        Objects.requireNonNull(initialState, "initialState");
        trackInterfaces = List.copyOf(trackInterfaces);
        trackScripts = List.copyOf(trackScripts);
        Objects.requireNonNull(vmacName, "vmacName");
        Objects.requireNonNull(garp, "garp");
        providers = List.copyOf(providers);
    }
}

package org.vrrp4j.keepalived;

import static org.vrrp4j.keepalived.BlockCursor.error;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vrrp4j.keepalived.ConfigLexer.Line;
import org.vrrp4j.keepalived.Keyword.Block;

/** {@code vrrp_sync_group NAME { group { ... } notify... }}; members are checked once the file is read. */
final class SyncGroupReader {
    private record Draft(String name, SourceLocation where, List<Tracked> members, NotifyScripts notifyScripts) {
    }

    private final BlockCursor c;
    private final SourceLocations.Builder locations;
    private final List<Draft> drafts = new ArrayList<>();

    SyncGroupReader(BlockCursor c, SourceLocations.Builder locations) {
        this.c = c;
        this.locations = locations;
    }

    void read(Line opener) throws ConfigFileException {
        if (opener.size() != 2) {
            throw error(opener, "vrrp_sync_group needs exactly one name");
        }
        String name = opener.words().get(1);
        for (Draft g : drafts) {
            if (g.name().equals(name)) {
                throw error(opener, "vrrp_sync_group " + name + " is already defined at " + g.where());
            }
        }
        Draft g = new Draft(name, opener.where(), new ArrayList<>(), new NotifyScripts("vrrp_sync_group " + name, ""));
        boolean haveGroup = false;
        c.openBlock(opener);
        Line l;
        while ((l = c.nextKeyword(opener, Block.VRRP_SYNC_GROUP)) != null) {
            switch (l.keyword()) {
                case "group" -> {
                    if (haveGroup) {
                        throw error(l, "vrrp_sync_group " + name + ": 'group' is given twice");
                    }
                    haveGroup = true;
                    for (Line v : c.valueBlock(l)) {
                        for (String member : v.words()) {
                            g.members().add(new Tracked(member, null, v.where()));
                        }
                    }
                }
                case "notify_master", "notify_backup", "notify_fault", "notify_stop", "notify" -> g.notifyScripts().read(l, c);
                default -> throw BlockCursor.notInSwitch(l, Block.VRRP_SYNC_GROUP);
            }
        }
        if (g.members().isEmpty()) {
            // keepalived 2.2.7: "Sync group NAME has no virtual router(s). removing", and runs the rest
            c.warn(opener, ConfigWarning.Kind.ADJUSTED, "vrrp_sync_group " + name + " has no members ('group {"
                    + " INSTANCE ... }'); removed (as keepalived does)");
            return;
        }
        drafts.add(g);
        locations.syncGroup(name, opener.where());
    }

    /** The groups, with each member checked: an instance of the file, in one group only. */
    List<SyncGroup> complete(Set<String> instanceNames) throws ConfigFileException {
        List<SyncGroup> syncGroups = new ArrayList<>();
        Map<String, String> groupOf = new HashMap<>();
        for (Draft g : drafts) {
            List<String> members = new ArrayList<>();
            for (Tracked m : g.members()) {
                if (!instanceNames.contains(m.name())) {
                    throw new ConfigFileException(m.where(), "vrrp_sync_group " + g.name() + ": unknown vrrp_instance '"
                            + m.name() + "'");
                }
                String other = groupOf.putIfAbsent(m.name(), g.name());
                if (other != null) {
                    throw new ConfigFileException(m.where(), "vrrp_sync_group " + g.name() + ": vrrp_instance "
                            + m.name() + " is already in vrrp_sync_group " + other);
                }
                members.add(m.name());
            }
            List<ProviderBlock> providers = new ArrayList<>();
            if (!g.notifyScripts().isEmpty()) {
                Map<String, String> values = new LinkedHashMap<>(g.notifyScripts().scripts());
                values.put("group", "true");
                locations.syncGroupProvider(g.name(), providers.size(), g.notifyScripts().first());
                int index = providers.size();
                g.notifyScripts().lines().forEach((kw, at) -> locations.syncGroupProviderKey(g.name(), index, kw, at));
                providers.add(new ProviderBlock(ProviderBlock.EXEC, values));
            }
            syncGroups.add(new SyncGroup(g.name(), members, providers));
        }
        return syncGroups;
    }
}

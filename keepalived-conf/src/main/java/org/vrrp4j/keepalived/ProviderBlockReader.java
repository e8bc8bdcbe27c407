package org.vrrp4j.keepalived;

import static org.vrrp4j.keepalived.BlockCursor.error;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vrrp4j.keepalived.ConfigLexer.Line;

/**
 * vrrp4j's {@code failover_provider TYPE { key value ... }} block of a {@code vrrp_instance}: raw strings,
 * validated later by the provider.
 */
final class ProviderBlockReader {
    private ProviderBlockReader() {
    }

    static ProviderBlock read(Line l, BlockCursor c) throws ConfigFileException {
        return readWithLines(l, c).block();
    }

    /** A block and the line of each of its keys (a failover.conf names its instance on one of them). */
    record WithLines(ProviderBlock block, Map<String, SourceLocation> keyLines) {
    }

    static WithLines readWithLines(Line l, BlockCursor c) throws ConfigFileException {
        if (l.size() != 2) {
            throw error(l, "failover_provider needs exactly one provider type, e.g. 'failover_provider netcup { ... }'");
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, SourceLocation> lines = new LinkedHashMap<>();
        for (Line v : c.valueBlock(l)) {
            // vrrp4j's own block: values may be quoted with ' or " and use backslash escapes, like scripts
            List<String> w = ConfigLexer.quotedEscapedWords(v.text(), v.where());
            String key = w.getFirst();
            if (values.containsKey(key)) {
                throw error(v, "failover_provider " + l.words().get(1) + ": duplicate key '" + key + "'");
            }
            values.put(key, String.join(" ", w.subList(1, w.size())));
            lines.put(key, v.where());
        }
        return new WithLines(new ProviderBlock(l.words().get(1), values), lines);
    }
}

package dev.cachet.cache.shared;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The Redis names of one Cachet cluster. The table versions hash and the invalidation channel share the hash tag
 * {@code {cachet:<cluster>}}, so they live in one slot (one command reads every version; the channel's shard is the
 * versions' shard). Entries, leases and shapes are tagged by their own digest, so they spread over every slot; an
 * entry and its lease share a slot. Cluster ids are escaped so that no character of theirs can open a hash tag.
 *
 * <pre>
 *   {cachet:&lt;cluster&gt;}:v                   hash: ~gen, ~epoch, t:&lt;table&gt; → integers
 *   {cachet:&lt;cluster&gt;}:i                   channel: invalidations and heartbeats
 *   cachet:&lt;cluster&gt;:{&lt;key digest&gt;}:e     an entry
 *   cachet:&lt;cluster&gt;:{&lt;key digest&gt;}:l     its lease
 *   cachet:&lt;cluster&gt;:{&lt;shape digest&gt;}:s   a shape
 * </pre>
 */
final class KeySpace {

    static final byte[] GENERATION = "~gen".getBytes(StandardCharsets.US_ASCII);
    static final byte[] EPOCH = "~epoch".getBytes(StandardCharsets.US_ASCII);

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final String prefix;
    private final byte[] versions;
    private final byte[] channel;

    KeySpace(String cluster) {
        this.prefix = "cachet:" + escape(cluster);
        this.versions = ascii("{" + prefix + "}:v");
        this.channel = ascii("{" + prefix + "}:i");
    }

    /** The cluster id with {@code %}, braces, white space and control characters percent-encoded. */
    static String escape(String cluster) {
        StringBuilder sb = new StringBuilder(cluster.length());
        for (byte b : cluster.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 0x20 || c >= 0x7f || c == '{' || c == '}' || c == '%') {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    byte[] versions() { return versions; }

    byte[] channel() { return channel; }

    byte[] entry(byte[] keyDigest) {
        return ascii(prefix + ":{" + B64.encodeToString(keyDigest) + "}:e");
    }

    byte[] lease(byte[] keyDigest) {
        return ascii(prefix + ":{" + B64.encodeToString(keyDigest) + "}:l");
    }

    byte[] shape(byte[] shapeDigest) {
        return ascii(prefix + ":{" + B64.encodeToString(shapeDigest) + "}:s");
    }

    /** The hash fields read for a look-up: generation, epoch, then one per table, in the tables' order. */
    static byte[][] versionFields(List<String> tables) {
        byte[][] fields = new byte[tables.size() + 2][];
        fields[0] = GENERATION;
        fields[1] = EPOCH;
        for (int i = 0; i < tables.size(); i++) {
            fields[i + 2] = tableField(tables.get(i));
        }
        return fields;
    }

    static byte[] tableField(String table) {
        return ("t:" + table).getBytes(StandardCharsets.UTF_8);
    }
}

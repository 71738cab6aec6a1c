package dev.cachet.cache.shared;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The messages on the invalidation channel, UTF-8 text: the sender's instance id, a newline, a kind byte, then
 * items each preceded by a newline — {@code t} and the invalidated tables, {@code a} for everything, {@code c} for a
 * catalog change (DDL), {@code h} and a heartbeat's sequence number. Anything else on the channel is ignored, so an
 * instance of an older build ignores the kinds it does not know.
 */
final class Messages {

    static final byte TABLES = 't';
    static final byte ALL = 'a';
    static final byte HEARTBEAT = 'h';
    static final byte CATALOG = 'c';

    /** A parsed message; {@code own} when this instance sent it. */
    record Message(boolean own, byte kind, List<String> items) {
    }

    private final byte[] instance;

    Messages(byte[] instance) {
        this.instance = instance.clone();
    }

    byte[] tables(List<String> tables) {
        return encode(TABLES, tables);
    }

    byte[] all() {
        return encode(ALL, List.of());
    }

    byte[] catalog() {
        return encode(CATALOG, List.of());
    }

    byte[] heartbeat(long seq) {
        return encode(HEARTBEAT, List.of(Long.toString(seq)));
    }

    private byte[] encode(byte kind, List<String> items) {
        StringBuilder sb = new StringBuilder();
        for (String item : items) {
            sb.append('\n').append(item);
        }
        byte[] rest = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[instance.length + 2 + rest.length];
        System.arraycopy(instance, 0, out, 0, instance.length);
        out[instance.length] = '\n';
        out[instance.length + 1] = kind;
        System.arraycopy(rest, 0, out, instance.length + 2, rest.length);
        return out;
    }

    /** The message in {@code payload}, or null when it is not one of Cachet's. */
    Message parse(byte[] payload) {
        int newline = indexOf(payload, 0);
        if (newline < 0 || newline + 1 >= payload.length) {
            return null;
        }
        boolean own = Arrays.equals(payload, 0, newline, instance, 0, instance.length);
        List<String> items = new ArrayList<>();
        int start = newline + 3; // past the kind and the newline before the first item
        while (start <= payload.length) {
            int end = indexOf(payload, start);
            if (end < 0) {
                end = payload.length;
            }
            if (end > start) {
                items.add(new String(payload, start, end - start, StandardCharsets.UTF_8));
            }
            start = end + 1;
        }
        return new Message(own, payload[newline + 1], items);
    }

    private static int indexOf(byte[] a, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}

package dev.cachet.cache;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A captured value kept together with the driver's own {@code getString} text for it, for drivers whose
 * rendering differs from the generic one. Boolean pairs are shared: there are only a few of them.
 */
final class Rendered implements ValueSizes.Sized {

    private static final ConcurrentHashMap<String, Rendered> TRUE = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, Rendered> FALSE = new ConcurrentHashMap<>();

    final Object value;
    final String text;

    private Rendered(Object value, String text) {
        this.value = value;
        this.text = text;
    }

    static Rendered of(Object value, String text) {
        if (value instanceof Boolean && text != null && text.length() <= 8) {
            ConcurrentHashMap<String, Rendered> shared = (Boolean) value ? TRUE : FALSE;
            if (shared.size() < 64) {
                return shared.computeIfAbsent(text, t -> new Rendered(value, t));
            }
        }
        return new Rendered(value, text);
    }

    @Override
    public long estimatedBytes() {
        if (value instanceof Boolean) {
            return 0;
        }
        return 24 + ValueSizes.of(value) + (text == null ? 0 : ValueSizes.string(text));
    }
}

package dev.cachet.cache;

import java.util.Set;

/**
 * The default {@link ValueProfile}: JDBC's conversion table as H2 applies it, the driver's
 * {@code getString} rendering captured whenever it differs from the generic one, and H2's SQLStates.
 * Besides the JDK's immutable value types it trusts H2's immutable {@code org.h2.api.Interval}.
 */
final class StandardValueProfile implements ValueProfile {

    static final StandardValueProfile INSTANCE = new StandardValueProfile();

    private static final Set<String> IMMUTABLE_DRIVER_TYPES = Set.of("org.h2.api.Interval");

    private final ColumnCodec codec = new ColumnCodec() {
        @Override
        protected boolean isImmutable(Object value) {
            return super.isImmutable(value) || IMMUTABLE_DRIVER_TYPES.contains(value.getClass().getName());
        }
    };

    private StandardValueProfile() {
    }

    @Override
    public ColumnCodec codec(ColumnMetadata column) {
        return codec;
    }

    @Override
    public String toString() {
        return "ValueProfile.standard()";
    }
}

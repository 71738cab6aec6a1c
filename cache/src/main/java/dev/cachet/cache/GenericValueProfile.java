package dev.cachet.cache;

/** {@link ValueProfile#generic()}: one shared generic codec for every column. */
final class GenericValueProfile implements ValueProfile {

    static final GenericValueProfile INSTANCE = new GenericValueProfile();

    private final ColumnCodec codec = new ColumnCodec() {
    };

    private GenericValueProfile() {
    }

    @Override
    public ColumnCodec codec(ColumnMetadata column) {
        return codec;
    }

    @Override
    public String toString() {
        return "ValueProfile.generic()";
    }
}

package dev.cachet.cache;

import java.util.Arrays;

/**
 * What every cached result of one statement shape has in common — its metadata and the profile that captured it —
 * encoded once ({@link #bytes()}) and named by a 64-bit id derived from those bytes ({@link #id()}). An encoded
 * entry ({@link ResultEncoding#encode}) carries only the id: a receiver that has not seen the shape yet asks for it
 * by id (the shared tier stores shapes under their ids) and decodes it once with
 * {@link ResultEncoding#decodeShape}. Immutable.
 */
public final class ResultShape {

    private final long id;
    private final byte[] bytes;
    private final ResultMetadata metadata;
    private final ValueProfile profile;

    ResultShape(long id, byte[] bytes, ResultMetadata metadata, ValueProfile profile) {
        this.id = id;
        this.bytes = bytes;
        this.metadata = metadata;
        this.profile = profile;
    }

    /** The shape's id: a 64-bit hash of {@link #bytes()}, the same in every JVM. */
    public long id() {
        return id;
    }

    /** The encoded shape (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The metadata every result of this shape reports. */
    public ResultMetadata metadata() {
        return metadata;
    }

    /** The profile whose codecs read results of this shape. */
    public ValueProfile profile() {
        return profile;
    }

    byte[] rawBytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResultShape && ((ResultShape) o).id == id && Arrays.equals(((ResultShape) o).bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id);
    }

    @Override
    public String toString() {
        return "ResultShape[" + Long.toHexString(id) + ", " + metadata.getColumnCount() + " columns, " + profile + "]";
    }
}

package dev.cachet.cache.shared;

import dev.cachet.cache.MaterializedResult;

/**
 * How results become bytes for the shared tier, and back. The tier stores a result as its <em>shape</em> (what
 * every result of one statement shape shares: column metadata, the value profile) and its <em>rows</em>; it stores
 * each distinct shape once, under a digest of its bytes, sends only the rows with each entry, and keeps decoded
 * shapes in memory, so a hit decodes rows only. An implementation never uses Java serialization, and its
 * {@link #format()} changes whenever its bytes change meaning, so an entry written by another version of it is a
 * miss, never a wrong answer. (The compact result encoding, {@code ResultEncoding} with {@code ResultShape}, fits
 * this as {@code encode → (shapeOf(r).bytes(), encode(r))}, {@code decodeShape(bytes, profile)},
 * {@code decode(rows, shape)}.)
 *
 * @param <S> a decoded shape
 */
public interface ResultCodec<S> {

    /** Identifies the encoding (name and version); stored with every entry and compared on read. */
    int format();

    /** Encodes {@code result}, or returns null when it holds something this codec cannot encode. */
    Encoded encode(MaterializedResult result);

    /** Decodes a shape's bytes; throws (any exception) when they are not a shape of this codec. */
    S decodeShape(byte[] shape) throws Exception;

    /**
     * Decodes rows of {@code shape}. Throws (any exception) for bytes it cannot decode; the tier then counts a
     * decode failure and answers a miss.
     */
    MaterializedResult decode(S shape, byte[] rows) throws Exception;

    /** An encoded result: its shape and its rows. */
    record Encoded(byte[] shape, byte[] rows) {
    }
}

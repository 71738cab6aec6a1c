package dev.cachet.cache.shared;

import dev.cachet.cache.MaterializedResult;

/**
 * How results become bytes for the shared tier, and back. The tier stores a result as its <em>shape</em> (what
 * every result of one statement shape shares: column metadata, codecs) and its <em>rows</em>; it stores each
 * distinct shape once, under a digest of its bytes, and sends only the rows with each entry. An implementation
 * never uses Java serialization, and its {@link #format()} changes whenever its bytes change meaning, so an entry
 * written by another version of it is a miss, never a wrong answer.
 */
public interface ResultCodec {

    /** Identifies the encoding (name and version); stored with every entry and compared on read. */
    int format();

    /** Encodes {@code result}, or returns null when it holds something this codec cannot encode. */
    Encoded encode(MaterializedResult result);

    /**
     * Decodes what {@link #encode} produced. Throws (any exception) for bytes it cannot decode; the tier then counts
     * a decode failure and answers a miss.
     */
    MaterializedResult decode(byte[] shape, byte[] rows) throws Exception;

    /** An encoded result: its shape and its rows. */
    record Encoded(byte[] shape, byte[] rows) {
    }
}

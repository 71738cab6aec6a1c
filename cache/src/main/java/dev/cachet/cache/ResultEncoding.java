package dev.cachet.cache;

import java.sql.SQLException;
import java.util.zip.CRC32C;

/**
 * The compact, versioned binary form of a cached result, for the shared tier (DESIGN §10) — never Java
 * serialization. An entry is the result's cells exactly as the in-process tier holds them ({@link MaterializedResult}
 * keeps them in this form already, so encoding is one copy) plus the id of its {@link ResultShape}; the shape —
 * metadata and profile, the same for every result of a statement — is encoded once and sent separately.
 *
 * <pre>{@code
 * byte[] entry = ResultEncoding.encode(result);           // to Redis under the query's key
 * ResultShape shape = ResultEncoding.shapeOf(result);     // to Redis under shape.id(), once
 * ...
 * long id = ResultEncoding.shapeId(entry);                // which shape to ask for (or take from a local map)
 * ResultShape shape = ResultEncoding.decodeShape(shapeBytes, profile);
 * MaterializedResult result = ResultEncoding.decode(entry, shape);
 * }</pre>
 *
 * <p>Layout, big-endian: two magic bytes {@code 0xCA 0xCE}, the format version ({@link #VERSION}), the kind
 * ({@code 'E'} entry, {@code 'S'} shape); an entry then holds the shape id (8 bytes), the row and column counts,
 * the result set type and holdability (variable-length integers), the length of the cells and the cells
 * ({@link Cells}: a tag byte per cell and its value); a shape holds its profile's class name and, per column, every
 * {@link ColumnMetadata} fact. Both end with a CRC-32C of everything before it. Decoding checks the magic, version,
 * kind, checksum, the shape id and every cell (each tag known, each length within the bytes, each value
 * well-formed, exactly rows × columns cells): anything else fails with {@link ResultEncodingException}, never with a
 * different result.
 *
 * <p>Results holding values the compact form keeps as objects (SQL arrays, H2 intervals, a profile's own cell
 * types such as pgjdbc's bytea, arrays and PGobjects or MariaDB's replayed cells) are not encodable:
 * {@link #encode} refuses them and the shared tier keeps such results in process only.
 */
public final class ResultEncoding {

    /** The format version written; a reader refuses any other. */
    public static final int VERSION = 1;

    private static final byte MAGIC0 = (byte) 0xCA;
    private static final byte MAGIC1 = (byte) 0xCE;
    private static final byte ENTRY = 'E';
    private static final byte SHAPE = 'S';
    private static final int HEADER = 4;
    private static final int CHECKSUM = 4;

    private ResultEncoding() {
    }

    // ---------------------------------------------------------------- entries

    /**
     * The encoded entry of {@code result}: its cells and the id of its shape.
     *
     * @throws ResultEncodingException when the result holds values the compact form keeps as objects
     */
    public static byte[] encode(MaterializedResult result) throws ResultEncodingException {
        if (result.refs() != null) {
            throw new ResultEncodingException("the result holds values of a class the encoding does not carry ("
                    + result.refs()[0].getClass().getName() + ")");
        }
        byte[] cells = result.cells();
        CellWriter out = new CellWriter(cells.length + 48);
        header(out, ENTRY);
        out.fixed64(shapeOf(result).id());
        out.varint(result.rowCount());
        out.varint(result.columnCount());
        out.varint(CellWriter.zigzag(result.resultSetType()));
        out.varint(CellWriter.zigzag(result.holdability()));
        out.varint(cells.length);
        out.raw(cells, 0, cells.length);
        return checksummed(out);
    }

    /** The id of the shape an encoded entry needs, read from its header (the entry is checked by {@link #decode}). */
    public static long shapeId(byte[] entry) throws ResultEncodingException {
        checkHeader(entry, ENTRY);
        if (entry.length < HEADER + 8 + CHECKSUM) {
            throw new ResultEncodingException("truncated entry: " + entry.length + " bytes");
        }
        return Cells.fixed64(entry, HEADER);
    }

    /**
     * The result an entry encodes, read through {@code shape}'s metadata and profile.
     *
     * @throws ResultEncodingException when the bytes are not a well-formed entry of this version or belong to
     *                                 another shape
     */
    public static MaterializedResult decode(byte[] entry, ResultShape shape) throws ResultEncodingException {
        checkWhole(entry, ENTRY);
        long id = Cells.fixed64(entry, HEADER);
        if (id != shape.id()) {
            throw new ResultEncodingException("the entry is of shape " + Long.toHexString(id) + ", not "
                    + Long.toHexString(shape.id()));
        }
        Reader in = new Reader(entry, HEADER + 8, entry.length - CHECKSUM);
        int rows = in.count();
        int columns = in.count();
        if (columns != shape.metadata().getColumnCount()) {
            throw new ResultEncodingException("the entry has " + columns + " columns, its shape "
                    + shape.metadata().getColumnCount());
        }
        int type = (int) Cells.zigzag(in.varint());
        int holdability = (int) Cells.zigzag(in.varint());
        int length = in.count();
        byte[] cells = in.bytes(length);
        if (in.pos != in.end) {
            throw new ResultEncodingException("trailing bytes after the cells");
        }
        checkCells(cells, (long) rows * columns);
        ColumnCodec[] codecs = shape.metadata().sharedCodecs(shape.profile());
        if (codecs == null) {
            codecs = new ColumnCodec[columns];
            try {
                for (int i = 0; i < columns; i++) {
                    codecs[i] = shape.profile().codec(shape.metadata().column(i + 1));
                }
            } catch (SQLException e) {
                throw new ResultEncodingException("the profile refuses a column of the shape: " + e.getMessage(), e);
            }
        }
        return new MaterializedResult(shape.metadata(), codecs, shape.profile(), cells, null, 0, rows, type,
                holdability);
    }

    /** Every cell well-formed, none a side reference, exactly {@code count} of them filling the bytes. */
    private static void checkCells(byte[] cells, long count) throws ResultEncodingException {
        int pos = 0;
        try {
            for (long i = 0; i < count; i++) {
                if (pos >= cells.length) {
                    throw new ResultEncodingException("fewer cells than rows x columns");
                }
                byte tag = cells[pos];
                if (tag < 0 || tag >= Cells.TAGS || tag == Cells.REF) {
                    throw new ResultEncodingException("unknown cell tag " + tag);
                }
                int next = Cells.skip(cells, pos);
                if (next > cells.length) {
                    throw new ResultEncodingException("a cell runs past the end");
                }
                Cells.read(cells, pos, null);
                pos = next;
            }
        } catch (RuntimeException e) {
            throw new ResultEncodingException("malformed cell at byte " + pos + ": " + e, e);
        }
        if (pos != cells.length) {
            throw new ResultEncodingException("more cells than rows x columns");
        }
    }

    // ---------------------------------------------------------------- shapes

    /** The shape of {@code result} (computed once per metadata snapshot and kept with it). */
    public static ResultShape shapeOf(MaterializedResult result) {
        ResultMetadata metadata = result.metadata();
        ResultShape shape = metadata.shape();
        if (shape == null || shape.profile() != result.profile()) {
            byte[] bytes = encodeShape(metadata, result.profile());
            shape = new ResultShape(id(bytes), bytes, metadata, result.profile());
            metadata.shape(shape);
        }
        return shape;
    }

    /**
     * A shape received as bytes ({@link ResultShape#bytes()}), whose results {@code profile} reads.
     *
     * @throws ResultEncodingException when the bytes are not a well-formed shape of this version, or were made
     *                                 by another profile
     */
    public static ResultShape decodeShape(byte[] bytes, ValueProfile profile) throws ResultEncodingException {
        checkWhole(bytes, SHAPE);
        Reader in = new Reader(bytes, HEADER, bytes.length - CHECKSUM);
        String profileName = in.string();
        if (!profile.getClass().getName().equals(profileName)) {
            throw new ResultEncodingException("the shape was made by " + profileName + ", not by "
                    + profile.getClass().getName());
        }
        int n = in.count();
        ColumnMetadata[] columns = new ColumnMetadata[n];
        for (int i = 0; i < n; i++) {
            String label = in.string();
            String name = in.string();
            String typeName = in.string();
            String className = in.string();
            String schemaName = in.string();
            String tableName = in.string();
            String catalogName = in.string();
            int type = in.zigzagInt();
            int precision = in.zigzagInt();
            int scale = in.zigzagInt();
            int displaySize = in.zigzagInt();
            int nullable = in.zigzagInt();
            long flags = in.varint();
            if (label == null || flags > 0xFF) {
                throw new ResultEncodingException("malformed column " + (i + 1));
            }
            columns[i] = new ColumnMetadata(label, name, type, typeName, className, precision, scale, displaySize,
                    nullable, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, (flags & 8) != 0,
                    (flags & 16) != 0, (flags & 32) != 0, (flags & 64) != 0, (flags & 128) != 0, schemaName,
                    tableName, catalogName);
        }
        if (in.pos != in.end) {
            throw new ResultEncodingException("trailing bytes after the columns");
        }
        ResultMetadata metadata = new ResultMetadata(columns);
        try {
            metadata.share(profile);
        } catch (SQLException e) {
            throw new ResultEncodingException("the profile refuses a column of the shape: " + e.getMessage(), e);
        }
        ResultShape shape = new ResultShape(id(bytes), bytes.clone(), metadata, profile);
        metadata.shape(shape);
        return shape;
    }

    private static byte[] encodeShape(ResultMetadata metadata, ValueProfile profile) {
        CellWriter out = new CellWriter(64 + 96 * metadata.getColumnCount());
        header(out, SHAPE);
        out.write(profile.getClass().getName());
        int n = metadata.getColumnCount();
        out.varint(n);
        for (int i = 1; i <= n; i++) {
            ColumnMetadata c;
            try {
                c = metadata.column(i);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            out.write(c.label());
            out.write(c.name());
            out.write(c.typeName());
            out.write(c.className());
            out.write(c.schemaName());
            out.write(c.tableName());
            out.write(c.catalogName());
            out.varint(CellWriter.zigzag(c.type()));
            out.varint(CellWriter.zigzag(c.precision()));
            out.varint(CellWriter.zigzag(c.scale()));
            out.varint(CellWriter.zigzag(c.displaySize()));
            out.varint(CellWriter.zigzag(c.nullable()));
            out.varint((c.signed() ? 1 : 0) | (c.autoIncrement() ? 2 : 0) | (c.caseSensitive() ? 4 : 0)
                    | (c.currency() ? 8 : 0) | (c.searchable() ? 16 : 0) | (c.readOnly() ? 32 : 0)
                    | (c.writable() ? 64 : 0) | (c.definitelyWritable() ? 128 : 0));
        }
        return checksummed(out);
    }

    /** FNV-1a over the bytes, then a 64-bit finalizer: the same id for the same shape in every JVM. */
    private static long id(byte[] bytes) {
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            h = (h ^ (b & 0xFF)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    // ---------------------------------------------------------------- framing

    private static void header(CellWriter out, byte kind) {
        out.raw(new byte[] {MAGIC0, MAGIC1, (byte) VERSION, kind}, 0, HEADER);
    }

    private static byte[] checksummed(CellWriter out) {
        byte[] body = out.bytes();
        CRC32C crc = new CRC32C();
        crc.update(body, 0, body.length);
        out.fixed32((int) crc.getValue());
        return out.bytes();
    }

    private static void checkHeader(byte[] bytes, byte kind) throws ResultEncodingException {
        if (bytes == null || bytes.length < HEADER + CHECKSUM) {
            throw new ResultEncodingException("not an encoded Cachet result: "
                    + (bytes == null ? "null" : bytes.length + " bytes"));
        }
        if (bytes[0] != MAGIC0 || bytes[1] != MAGIC1) {
            throw new ResultEncodingException("not an encoded Cachet result (bad magic)");
        }
        if (bytes[2] != VERSION) {
            throw new ResultEncodingException("encoding version " + (bytes[2] & 0xFF) + " is not supported (this "
                    + "reader knows version " + VERSION + ")");
        }
        if (bytes[3] != kind) {
            throw new ResultEncodingException("expected an encoded " + (kind == ENTRY ? "entry" : "shape")
                    + ", got kind " + (char) bytes[3]);
        }
    }

    private static void checkWhole(byte[] bytes, byte kind) throws ResultEncodingException {
        checkHeader(bytes, kind);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - CHECKSUM);
        if ((int) crc.getValue() != (int) Cells.fixed32(bytes, bytes.length - CHECKSUM)) {
            throw new ResultEncodingException("checksum mismatch: the bytes are corrupt or truncated");
        }
    }

    /** Bounds-checked reading of a frame's fields. */
    private static final class Reader {
        private final byte[] b;
        private final int end;
        private int pos;

        Reader(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        long varint() throws ResultEncodingException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new ResultEncodingException("truncated");
                }
                byte x = b[pos++];
                v |= (long) (x & 0x7F) << shift;
                if (x >= 0) {
                    return v;
                }
            }
            throw new ResultEncodingException("malformed variable-length integer");
        }

        int count() throws ResultEncodingException {
            long v = varint();
            if (v > Integer.MAX_VALUE) {
                throw new ResultEncodingException("count out of range: " + v);
            }
            return (int) v;
        }

        int zigzagInt() throws ResultEncodingException {
            long v = Cells.zigzag(varint());
            if (v != (int) v) {
                throw new ResultEncodingException("integer out of range: " + v);
            }
            return (int) v;
        }

        byte[] bytes(int n) throws ResultEncodingException {
            if (n > end - pos) {
                throw new ResultEncodingException("truncated: " + n + " bytes announced, " + (end - pos) + " left");
            }
            byte[] out = new byte[n];
            System.arraycopy(b, pos, out, 0, n);
            pos += n;
            return out;
        }

        /** A string cell or a NULL cell. */
        String string() throws ResultEncodingException {
            if (pos >= end) {
                throw new ResultEncodingException("truncated");
            }
            byte tag = b[pos];
            if (tag == Cells.NULL) {
                pos++;
                return null;
            }
            if (tag != Cells.LATIN1 && tag != Cells.UTF16) {
                throw new ResultEncodingException("expected a string, got tag " + tag);
            }
            int start = pos;
            pos++;
            long n = varint();
            long bytes = tag == Cells.LATIN1 ? n : 2 * n;
            if (bytes > end - pos) {
                throw new ResultEncodingException("truncated string");
            }
            pos += (int) bytes;
            return Cells.string(b, start);
        }
    }
}

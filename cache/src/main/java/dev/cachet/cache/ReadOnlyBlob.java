package dev.cachet.cache;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Blob;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Arrays;

/** A read-only {@link Blob} over a cached value; reads return copies, writes are refused. */
final class ReadOnlyBlob implements Blob {

    private final byte[] bytes;

    ReadOnlyBlob(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public long length() {
        return bytes.length;
    }

    @Override
    public byte[] getBytes(long pos, int length) throws SQLException {
        if (pos < 1 || length < 0 || pos - 1 > bytes.length) {
            throw SqlErrors.of("Invalid BLOB range: position " + pos + ", length " + length, "22003");
        }
        int from = (int) pos - 1;
        return Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + length));
    }

    @Override
    public InputStream getBinaryStream() {
        return new ByteArrayInputStream(bytes);
    }

    @Override
    public InputStream getBinaryStream(long pos, long length) throws SQLException {
        return new ByteArrayInputStream(getBytes(pos, (int) Math.min(Integer.MAX_VALUE, length)));
    }

    @Override
    public long position(byte[] pattern, long start) {
        outer:
        for (int i = (int) Math.max(0, start - 1); i <= bytes.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i + 1;
        }
        return -1;
    }

    @Override
    public long position(Blob pattern, long start) throws SQLException {
        return position(pattern.getBytes(1, (int) pattern.length()), start);
    }

    @Override
    public int setBytes(long pos, byte[] b) throws SQLException {
        throw readOnly();
    }

    @Override
    public int setBytes(long pos, byte[] b, int offset, int len) throws SQLException {
        throw readOnly();
    }

    @Override
    public OutputStream setBinaryStream(long pos) throws SQLException {
        throw readOnly();
    }

    @Override
    public void truncate(long len) throws SQLException {
        throw readOnly();
    }

    @Override
    public void free() {
    }

    static SQLFeatureNotSupportedException readOnly() {
        return new SQLFeatureNotSupportedException("A LOB from a cached result is read-only", "0A000");
    }
}

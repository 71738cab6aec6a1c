package dev.cachet.cache;

import java.sql.Blob;
import java.sql.SQLException;

/** The bytes of a BLOB, read fully while teeing; getters hand out read-only copies. */
final class CapturedBlob implements ValueSizes.Sized {

    final byte[] bytes;

    CapturedBlob(byte[] bytes) {
        this.bytes = bytes;
    }

    static CapturedBlob capture(Blob blob, long byteBudget) throws SQLException {
        long length = blob.length();
        if (length > byteBudget || length > Integer.MAX_VALUE - 16) {
            throw new NotCacheableValueException("BLOB of " + length + " bytes exceeds the per-entry byte cap");
        }
        return new CapturedBlob(length == 0 ? new byte[0] : blob.getBytes(1, (int) length));
    }

    @Override
    public long estimatedBytes() {
        return 16 + ValueSizes.align(ValueSizes.ARRAY_HEADER + bytes.length);
    }

    @Override
    public String toString() {
        return ColumnCodec.hex(bytes);
    }
}

package dev.cachet.cache;

import java.sql.Clob;
import java.sql.SQLException;

/** The text of a CLOB, read fully while teeing; getters hand out read-only copies. */
final class CapturedClob implements ValueSizes.Sized {

    final String text;

    CapturedClob(String text) {
        this.text = text;
    }

    static CapturedClob capture(Clob clob, long byteBudget) throws SQLException {
        long length = clob.length();
        if (length > byteBudget / 2 || length > Integer.MAX_VALUE - 16) {
            throw new NotCacheableValueException("CLOB of " + length + " characters exceeds the per-entry byte cap");
        }
        return new CapturedClob(length == 0 ? "" : clob.getSubString(1, (int) length));
    }

    @Override
    public long estimatedBytes() {
        return 16 + ValueSizes.string(text);
    }

    @Override
    public String toString() {
        return text;
    }
}

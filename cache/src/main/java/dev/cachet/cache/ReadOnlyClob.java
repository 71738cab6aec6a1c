package dev.cachet.cache;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Clob;
import java.sql.NClob;
import java.sql.SQLException;

/** A read-only {@link Clob} (and {@link NClob}) over a cached text; writes are refused. */
final class ReadOnlyClob implements NClob {

    private final String text;

    ReadOnlyClob(String text) {
        this.text = text;
    }

    @Override
    public long length() {
        return text.length();
    }

    @Override
    public String getSubString(long pos, int length) throws SQLException {
        if (pos < 1 || length < 0 || pos - 1 > text.length()) {
            throw SqlErrors.of("Invalid CLOB range: position " + pos + ", length " + length, "22003");
        }
        int from = (int) pos - 1;
        return text.substring(from, Math.min(text.length(), from + length));
    }

    @Override
    public Reader getCharacterStream() {
        return new StringReader(text);
    }

    @Override
    public Reader getCharacterStream(long pos, long length) throws SQLException {
        return new StringReader(getSubString(pos, (int) Math.min(Integer.MAX_VALUE, length)));
    }

    @Override
    public InputStream getAsciiStream() {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public long position(String pattern, long start) {
        int i = text.indexOf(pattern, (int) Math.max(0, start - 1));
        return i < 0 ? -1 : i + 1;
    }

    @Override
    public long position(Clob pattern, long start) throws SQLException {
        return position(pattern.getSubString(1, (int) pattern.length()), start);
    }

    @Override
    public int setString(long pos, String str) throws SQLException {
        throw ReadOnlyBlob.readOnly();
    }

    @Override
    public int setString(long pos, String str, int offset, int len) throws SQLException {
        throw ReadOnlyBlob.readOnly();
    }

    @Override
    public OutputStream setAsciiStream(long pos) throws SQLException {
        throw ReadOnlyBlob.readOnly();
    }

    @Override
    public Writer setCharacterStream(long pos) throws SQLException {
        throw ReadOnlyBlob.readOnly();
    }

    @Override
    public void truncate(long len) throws SQLException {
        throw ReadOnlyBlob.readOnly();
    }

    @Override
    public void free() {
    }
}

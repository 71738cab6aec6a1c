package dev.cachet.cache;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLXML;
import javax.xml.transform.Result;
import javax.xml.transform.Source;

/** A read-only {@link SQLXML} over cached text: string, character and binary (UTF-8) reads. */
final class ReadOnlySqlXml implements SQLXML {

    private final String xml;

    ReadOnlySqlXml(String xml) {
        this.xml = xml;
    }

    @Override
    public String getString() {
        return xml;
    }

    @Override
    public Reader getCharacterStream() {
        return new StringReader(xml);
    }

    @Override
    public InputStream getBinaryStream() {
        return new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public <T extends Source> T getSource(Class<T> sourceClass) throws SQLException {
        throw new SQLFeatureNotSupportedException("SQLXML.getSource on a cached value", "0A000");
    }

    @Override
    public void free() {
    }

    @Override
    public OutputStream setBinaryStream() throws SQLException {
        throw ReadOnlyBlob.readOnly();
    }

    @Override
    public Writer setCharacterStream() throws SQLException {
        throw ReadOnlyBlob.readOnly();
    }

    @Override
    public void setString(String value) throws SQLException {
        throw ReadOnlyBlob.readOnly();
    }

    @Override
    public <T extends Result> T setResult(Class<T> resultClass) throws SQLException {
        throw ReadOnlyBlob.readOnly();
    }
}

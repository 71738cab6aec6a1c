package dev.cachet.cache;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Objects;

/**
 * The facts about one column of a result, captured once from the real driver's
 * {@link ResultSetMetaData}: everything a {@link CachedResultSet}'s metadata answers. Immutable.
 * Capturing asks only the result's own metadata (no catalog query of Cachet's making); a driver profile
 * may build instances itself, e.g. to share catalog-derived fields between results of one statement.
 */
public final class ColumnMetadata {

    private final String label;
    private final String name;
    private final int type;
    private final String typeName;
    private final String className;
    private final int precision;
    private final int scale;
    private final int displaySize;
    private final int nullable;
    private final boolean signed;
    private final boolean autoIncrement;
    private final boolean caseSensitive;
    private final boolean currency;
    private final boolean searchable;
    private final boolean readOnly;
    private final boolean writable;
    private final boolean definitelyWritable;
    private final String schemaName;
    private final String tableName;
    private final String catalogName;

    /** Creates column facts from explicit values (for profiles that build metadata themselves). */
    public ColumnMetadata(String label, String name, int type, String typeName, String className, int precision,
                          int scale, int displaySize, int nullable, boolean signed, boolean autoIncrement,
                          boolean caseSensitive, boolean currency, boolean searchable, boolean readOnly,
                          boolean writable, boolean definitelyWritable, String schemaName, String tableName,
                          String catalogName) {
        this.label = label;
        this.name = name;
        this.type = type;
        this.typeName = typeName;
        this.className = className;
        this.precision = precision;
        this.scale = scale;
        this.displaySize = displaySize;
        this.nullable = nullable;
        this.signed = signed;
        this.autoIncrement = autoIncrement;
        this.caseSensitive = caseSensitive;
        this.currency = currency;
        this.searchable = searchable;
        this.readOnly = readOnly;
        this.writable = writable;
        this.definitelyWritable = definitelyWritable;
        this.schemaName = schemaName;
        this.tableName = tableName;
        this.catalogName = catalogName;
    }

    /** Reads every fact about column {@code column} (1-based) from the driver's metadata. */
    public static ColumnMetadata capture(ResultSetMetaData md, int column) throws SQLException {
        return new ColumnMetadata(md.getColumnLabel(column), md.getColumnName(column), md.getColumnType(column),
                md.getColumnTypeName(column), md.getColumnClassName(column), md.getPrecision(column),
                md.getScale(column), md.getColumnDisplaySize(column), md.isNullable(column), md.isSigned(column),
                md.isAutoIncrement(column), md.isCaseSensitive(column), md.isCurrency(column),
                md.isSearchable(column), md.isReadOnly(column), md.isWritable(column),
                md.isDefinitelyWritable(column), md.getSchemaName(column), md.getTableName(column),
                md.getCatalogName(column));
    }

    /** True when {@code md} reports exactly these facts for column {@code column} (1-based). */
    boolean matches(ResultSetMetaData md, int column) throws SQLException {
        return type == md.getColumnType(column) && label.equals(md.getColumnLabel(column))
                && Objects.equals(name, md.getColumnName(column))
                && Objects.equals(typeName, md.getColumnTypeName(column))
                && Objects.equals(className, md.getColumnClassName(column))
                && precision == md.getPrecision(column) && scale == md.getScale(column)
                && displaySize == md.getColumnDisplaySize(column) && nullable == md.isNullable(column)
                && signed == md.isSigned(column) && autoIncrement == md.isAutoIncrement(column)
                && caseSensitive == md.isCaseSensitive(column) && currency == md.isCurrency(column)
                && searchable == md.isSearchable(column) && readOnly == md.isReadOnly(column)
                && writable == md.isWritable(column) && definitelyWritable == md.isDefinitelyWritable(column)
                && Objects.equals(schemaName, md.getSchemaName(column))
                && Objects.equals(tableName, md.getTableName(column))
                && Objects.equals(catalogName, md.getCatalogName(column));
    }

    public String label() { return label; }

    public String name() { return name; }

    /** The JDBC type, {@link java.sql.Types}. */
    public int type() { return type; }

    public String typeName() { return typeName; }

    public String className() { return className; }

    public int precision() { return precision; }

    public int scale() { return scale; }

    public int displaySize() { return displaySize; }

    /** One of {@link ResultSetMetaData#columnNoNulls}, {@code columnNullable}, {@code columnNullableUnknown}. */
    public int nullable() { return nullable; }

    public boolean signed() { return signed; }

    public boolean autoIncrement() { return autoIncrement; }

    public boolean caseSensitive() { return caseSensitive; }

    public boolean currency() { return currency; }

    public boolean searchable() { return searchable; }

    public boolean readOnly() { return readOnly; }

    public boolean writable() { return writable; }

    public boolean definitelyWritable() { return definitelyWritable; }

    public String schemaName() { return schemaName; }

    public String tableName() { return tableName; }

    public String catalogName() { return catalogName; }

    long estimatedBytes() {
        return 96 + sizeOf(label) + (name == label ? 0 : sizeOf(name)) + sizeOf(typeName) + sizeOf(className)
                + sizeOf(schemaName) + sizeOf(tableName) + sizeOf(catalogName);
    }

    private static long sizeOf(String s) {
        return s == null ? 0 : ValueSizes.string(s);
    }
}

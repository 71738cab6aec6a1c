package dev.cachet.cache.shared;

import dev.cachet.cache.ColumnMetadata;
import dev.cachet.cache.MaterializedResult;
import dev.cachet.cache.ResultMetadata;
import dev.cachet.cache.ValueProfile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately trivial {@link ResultCodec} for the shared tier's tests: column labels and types as the shape,
 * BIGINT and VARCHAR cells (or NULL) as the rows. The real encoding of results is not the shared tier's business.
 */
final class TestCodec implements ResultCodec<ColumnMetadata[]> {

    static final TestCodec INSTANCE = new TestCodec();

    @Override
    public int format() {
        return 0x7e570001;
    }

    @Override
    public Encoded encode(MaterializedResult result) {
        try {
            ByteArrayOutputStream shape = new ByteArrayOutputStream();
            DataOutputStream s = new DataOutputStream(shape);
            int n = result.columnCount();
            s.writeInt(n);
            for (int i = 1; i <= n; i++) {
                ColumnMetadata c = result.metadata().column(i);
                s.writeUTF(c.label());
                s.writeInt(c.type());
            }
            ByteArrayOutputStream rows = new ByteArrayOutputStream();
            DataOutputStream r = new DataOutputStream(rows);
            r.writeInt(result.rowCount());
            try (ResultSet rs = result.toResultSet(null)) {
                while (rs.next()) {
                    for (int i = 1; i <= n; i++) {
                        Object v = rs.getObject(i);
                        if (v == null) {
                            r.writeByte(0);
                        } else if (v instanceof Long) {
                            r.writeByte(1);
                            r.writeLong((Long) v);
                        } else if (v instanceof String) {
                            r.writeByte(2);
                            r.writeUTF((String) v);
                        } else {
                            return null;
                        }
                    }
                }
            }
            return new Encoded(shape.toByteArray(), rows.toByteArray());
        } catch (IOException | SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public ColumnMetadata[] decodeShape(byte[] shape) throws Exception {
        DataInputStream s = new DataInputStream(new ByteArrayInputStream(shape));
        int n = s.readInt();
        ColumnMetadata[] columns = new ColumnMetadata[n];
        for (int i = 0; i < n; i++) {
            String label = s.readUTF();
            int type = s.readInt();
            columns[i] = type == Types.BIGINT ? column(label, Types.BIGINT, "BIGINT", "java.lang.Long")
                    : column(label, Types.VARCHAR, "CHARACTER VARYING", "java.lang.String");
        }
        return columns;
    }

    @Override
    public MaterializedResult decode(ColumnMetadata[] columns, byte[] rows) throws Exception {
        int n = columns.length;
        DataInputStream r = new DataInputStream(new ByteArrayInputStream(rows));
        int count = r.readInt();
        List<Object[]> data = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            Object[] row = new Object[n];
            for (int i = 0; i < n; i++) {
                byte tag = r.readByte();
                row[i] = switch (tag) {
                    case 0 -> null;
                    case 1 -> r.readLong();
                    case 2 -> r.readUTF();
                    default -> throw new IOException("bad tag " + tag);
                };
            }
            data.add(row);
        }
        if (r.available() != 0) {
            throw new IOException("trailing bytes");
        }
        return MaterializedResult.of(new ResultMetadata(columns), ValueProfile.standard(), data);
    }

    static ColumnMetadata column(String label, int type, String typeName, String className) {
        return new ColumnMetadata(label, label, type, typeName, className, 10, 0, 10,
                ResultSetMetaData.columnNullable, true, false, true, false, true, true, false, false, "PUBLIC",
                "T", "DB");
    }

    /** A one-row result: an id and a name. */
    static MaterializedResult row(long id, String name) {
        try {
            return MaterializedResult.of(new ResultMetadata(column("ID", Types.BIGINT, "BIGINT", "java.lang.Long"),
                    column("NAME", Types.VARCHAR, "CHARACTER VARYING", "java.lang.String")), ValueProfile.standard(),
                    List.<Object[]>of(new Object[] {id, name}));
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** The NAME of the first row. */
    static String name(MaterializedResult result) {
        try (ResultSet rs = result.toResultSet(null)) {
            rs.next();
            return rs.getString(2);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}

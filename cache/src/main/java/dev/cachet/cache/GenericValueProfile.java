package dev.cachet.cache;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/** {@link ValueProfile#generic()}: one shared generic codec for every column. */
final class GenericValueProfile implements ValueProfile {

    static final GenericValueProfile INSTANCE = new GenericValueProfile();

    private final ColumnCodec codec = new ColumnCodec() {
    };

    // static, as the instance is a singleton: a result refers to its profile, not to other statements' metadata
    private static final StatementMetadata STATEMENTS = new StatementMetadata(INSTANCE);

    private GenericValueProfile() {
    }

    /**
     * The snapshot last captured for {@code statementKey}, with its codecs, when the real metadata reports
     * exactly the same facts (a comparison that allocates nothing); else a new capture.
     */
    @Override
    public ResultMetadata metadata(String statementKey, ResultSetMetaData real) throws SQLException {
        return STATEMENTS.metadata(statementKey, real);
    }

    @Override
    public ColumnCodec codec(ColumnMetadata column) {
        return codec;
    }

    @Override
    public String toString() {
        return "ValueProfile.generic()";
    }
}

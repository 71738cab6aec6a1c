package dev.cachet.driver.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.cache.MaterializedResult;
import dev.cachet.cache.ResultShape;
import dev.cachet.cache.ValueProfile;
import dev.cachet.cache.shared.ResultCodec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The shared tier's codec over the compact encoding: a result read back in another JVM (a fresh decode of its shape)
 * answers every getter as the original, and the shape is decoded with the profile that captured it.
 */
class EncodedResultCodecTest {

    private static MaterializedResult capture(ValueProfile profile) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:codec_" + System.nanoTime());
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(10, 2), at TIMESTAMP)");
            s.execute("INSERT INTO t VALUES (1, 'pen', 1.50, TIMESTAMP '2026-01-02 03:04:05'), (2, NULL, 2.00, NULL)");
            try (ResultSet rs = s.executeQuery("SELECT id, name, price, at FROM t ORDER BY id")) {
                return MaterializedResult.materialize(rs, profile, 1000, 1 << 20);
            }
        }
    }

    @Test
    void aResultComesBackAsItWasWithItsProfile() throws Exception {
        // the codec tries pgjdbc's profile first: a shape captured by another must still come back with its own
        for (ValueProfile profile : new ValueProfile[] {ValueProfile.standard(), ValueProfile.generic()}) {
            MaterializedResult original = capture(profile);
            ResultCodec.Encoded encoded = EncodedResultCodec.INSTANCE.encode(original);
            assertThat(encoded).as("encodable with " + profile).isNotNull();
            ResultShape shape = EncodedResultCodec.INSTANCE.decodeShape(encoded.shape());
            assertThat(shape.profile()).isSameAs(profile);
            MaterializedResult back = EncodedResultCodec.INSTANCE.decode(shape, encoded.rows());
            assertThat(back.rowCount()).isEqualTo(2);
            try (ResultSet a = original.toResultSet(null); ResultSet b = back.toResultSet(null)) {
                while (a.next()) {
                    assertThat(b.next()).isTrue();
                    for (int i = 1; i <= 4; i++) {
                        assertThat(b.getString(i)).as(profile + " column " + i).isEqualTo(a.getString(i));
                        assertThat(b.getObject(i)).isEqualTo(a.getObject(i));
                    }
                }
                assertThat(b.next()).isFalse();
                assertThat(b.getMetaData().getColumnLabel(3)).isEqualTo(a.getMetaData().getColumnLabel(3));
            }
        }
    }

    @Test
    void bytesThatAreNoShapeAreRefused() {
        assertThatThrownBy(() -> EncodedResultCodec.INSTANCE.decodeShape(new byte[] {1, 2, 3}))
                .isInstanceOf(Exception.class);
        assertThat(EncodedResultCodec.INSTANCE.format()).isNotZero();
    }
}

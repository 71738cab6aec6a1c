package dev.cachet.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/**
 * A codec that overrides {@link ColumnCodec#timestampOfText} is offered the characters of each Latin-1 string cell
 * before its {@code getTimestamp}: what it answers is the result set's answer, and where it declines (null), or the
 * cell is NULL or not Latin-1, {@code getTimestamp} of the string decides as before.
 */
class TimestampOfTextTest {

    private static final ResultMetadata METADATA =
            new ResultMetadata(TestResults.column("V", Types.VARCHAR, "text", "java.lang.String"));

    /** Answers texts starting with "t" from their characters; the getter answers everything else. */
    private static class TextTimestamps extends ColumnCodec {
        final List<String> offered = new ArrayList<>();
        final List<Calendar> calendars = new ArrayList<>();
        final List<Object> asked = new ArrayList<>();

        @Override
        protected Timestamp timestampOfText(CharSequence text, Calendar calendar) {
            char[] chars = new char[text.length()];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = text.charAt(i);
            }
            assertThat(new String(chars)).isEqualTo(text.toString());
            assertThatThrownBy(() -> text.charAt(chars.length)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> text.charAt(-1)).isInstanceOf(IndexOutOfBoundsException.class);
            offered.add(text.toString());
            calendars.add(calendar);
            return text.length() > 0 && text.charAt(0) == 't' ? new Timestamp(text.length()) : null;
        }

        @Override
        public Timestamp getTimestamp(Object captured, Calendar calendar) {
            asked.add(captured);
            return new Timestamp(-1);
        }
    }

    private static ResultSet over(ColumnCodec codec, Object... cells) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        for (Object cell : cells) {
            rows.add(new Object[] {cell});
        }
        return MaterializedResult.of(METADATA, column -> codec, rows).toResultSet(null);
    }

    @Test
    void theCodecsAnswerFromTheCharactersIsTheResultSetsAndADeclineGoesToTheGetter() throws SQLException {
        TextTimestamps codec = new TextTimestamps();
        Calendar tokyo = Calendar.getInstance(TimeZone.getTimeZone("Asia/Tokyo"));
        ResultSet rs = over(codec, null, "t2024", "2024-01-01 00:00:00", "t\u00e9", "\u03a9 not Latin-1", "");

        assertThat(rs.next()).isTrue();
        assertThat(rs.getTimestamp(1)).isNull();
        assertThat(rs.wasNull()).isTrue();

        assertThat(rs.next()).isTrue();
        assertThat(rs.getTimestamp(1)).isEqualTo(new Timestamp(5));
        assertThat(rs.wasNull()).as("an answer from the characters clears it").isFalse();
        assertThat(rs.getTimestamp(1, tokyo)).isEqualTo(new Timestamp(5));

        assertThat(rs.next()).isTrue();
        assertThat(rs.getTimestamp(1, tokyo)).isEqualTo(new Timestamp(-1));
        assertThat(rs.wasNull()).isFalse();

        assertThat(rs.next()).isTrue();
        assertThat(rs.getTimestamp(1)).isEqualTo(new Timestamp(2));

        assertThat(rs.next()).isTrue();
        assertThat(rs.getTimestamp(1)).isEqualTo(new Timestamp(-1));

        assertThat(rs.next()).isTrue();
        assertThat(rs.getTimestamp(1)).isEqualTo(new Timestamp(-1));

        assertThat(codec.offered).containsExactly("t2024", "t2024", "2024-01-01 00:00:00", "t\u00e9", "");
        assertThat(codec.calendars).containsExactly(null, tokyo, tokyo, null, null);
        assertThat(codec.asked).containsExactly("2024-01-01 00:00:00", "\u03a9 not Latin-1", "");
    }

    @Test
    void aCodecThatDoesNotOverrideItIsNeverOffered() throws SQLException {
        assertThat(new ColumnCodec().timestampsFromText).isFalse();
        assertThat(new TextTimestamps().timestampsFromText).isTrue();
        assertThat(new TextTimestamps() { }.timestampsFromText).as("inherited").isTrue();
        ResultSet rs = over(new ColumnCodec(), "2024-01-02 03:04:05.5");
        assertThat(rs.next()).isTrue();
        assertThat(rs.getTimestamp(1)).isEqualTo(Timestamp.valueOf("2024-01-02 03:04:05.5"));
        assertThat(rs.getString(1)).isEqualTo("2024-01-02 03:04:05.5");
    }
}

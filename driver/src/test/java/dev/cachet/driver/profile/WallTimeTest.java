package dev.cachet.driver.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.Random;
import java.util.SimpleTimeZone;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/**
 * {@link WallTime} against a lenient {@code GregorianCalendar} of the same zone, in every zone {@code TimeZone} knows
 * (old three-letter IDs among them): at random wall times from 1500 to 2100, and every 7 minutes within three hours
 * of each of a zone's transitions from 1900 to 2037 (gaps, overlaps, day-long jumps; those of its recurring summer-time
 * rules every third year), each answer is the calendar's, and the wall times it declines are few.
 */
class WallTimeTest {

    private static final int FIRST_ANSWERED = 1583;

    private static long calendar(TimeZone zone, int year, int month, int day, int hour, int minute, int second) {
        Calendar c = new GregorianCalendar(zone);
        c.clear();
        c.set(year, month - 1, day, hour, minute, second);
        return c.getTimeInMillis();
    }

    /** Checks one wall time; returns whether WallTime answered. */
    private static boolean agrees(TimeZone zone, LocalDateTime t) {
        long fast = WallTime.toEpochMillis(zone, t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(),
                t.getMinute(), t.getSecond());
        if (fast == WallTime.UNKNOWN) {
            return false;
        }
        assertThat(fast).as("%s in %s", t, zone.getID())
                .isEqualTo(calendar(zone, t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(),
                        t.getMinute(), t.getSecond()));
        return true;
    }

    @Test
    void everyAnswerIsTheCalendarsInEveryZone() {
        Random random = new Random(20261207L);
        long checked = 0;
        long answered = 0;
        for (String id : TimeZone.getAvailableIDs()) {
            TimeZone zone = TimeZone.getTimeZone(id);
            for (int i = 0; i < 200; i++) {
                LocalDateTime t = LocalDateTime.of(1500 + random.nextInt(600), 1 + random.nextInt(12),
                        1 + random.nextInt(28), random.nextInt(24), random.nextInt(60), random.nextInt(60));
                checked++;
                answered += agrees(zone, t) ? 1 : 0;
            }
            ZoneRules rules = zone.toZoneId().getRules();
            java.util.List<ZoneOffsetTransition> transitions = new java.util.ArrayList<>(rules.getTransitions());
            // the recurring rules' transitions (summer time since its last change), every third year to 2037
            for (java.time.zone.ZoneOffsetTransitionRule rule : rules.getTransitionRules()) {
                for (int year = 2000; year <= 2037; year += 3) {
                    transitions.add(rule.createTransition(year));
                }
            }
            for (ZoneOffsetTransition transition : transitions) {
                int year = transition.getDateTimeBefore().getYear();
                if (year < 1900 || year > 2037) {
                    continue;
                }
                for (int minutes = -180; minutes <= 180; minutes += 7) {
                    for (LocalDateTime around : new LocalDateTime[] {transition.getDateTimeBefore(),
                        transition.getDateTimeAfter()}) {
                        checked++;
                        answered += agrees(zone, around.plusMinutes(minutes).plusSeconds(random.nextInt(60))) ? 1 : 0;
                    }
                }
            }
        }
        // the declined ones are the gaps and overlaps, the years outside the tables and before 1583
        assertThat(answered).as("answered of %s", checked).isGreaterThan(checked * 3 / 5);
    }

    @Test
    void ordinaryTimesAreAnsweredInUtcAndInZonesWithSummerTime() {
        for (String id : new String[] {"UTC", "Europe/Amsterdam", "America/Sao_Paulo", "Australia/Lord_Howe"}) {
            assertThat(agrees(TimeZone.getTimeZone(id), LocalDateTime.of(2023, 11, 14, 22, 13, 20))).as(id).isTrue();
        }
        assertThat(agrees(TimeZone.getTimeZone("UTC"), LocalDateTime.of(9999, 12, 31, 23, 59, 59))).isTrue();
    }

    @Test
    void countsTheDaysAsJavaTimeDoesOnEveryDateItAnswers() {
        for (LocalDate d = LocalDate.of(WallTimeTest.FIRST_ANSWERED, 1, 1); d.getYear() <= 9999; d = d.plusDays(1)) {
            if (WallTime.epochDay(d.getYear(), d.getMonthValue(), d.getDayOfMonth()) != d.toEpochDay()) {
                assertThat(WallTime.epochDay(d.getYear(), d.getMonthValue(), d.getDayOfMonth())).as("%s", d)
                        .isEqualTo(d.toEpochDay());
            }
        }
        TimeZone utc = TimeZone.getTimeZone("UTC");
        for (int year : new int[] {1600, 1700, 2023, 2024}) {
            for (int month = 1; month <= 12; month++) {
                int last = YearMonth.of(year, month).lengthOfMonth();
                assertThat(agrees(utc, LocalDateTime.of(year, month, last, 12, 0, 0))).as("%s-%s-%s", year, month, last)
                        .isTrue();
                assertThat(WallTime.toEpochMillis(utc, year, month, last + 1, 12, 0, 0)).as("%s-%s-%s", year, month,
                        last + 1).isEqualTo(WallTime.UNKNOWN);
            }
        }
    }

    @Test
    void declinesWhatOnlyTheCalendarCanSay() {
        TimeZone amsterdam = TimeZone.getTimeZone("Europe/Amsterdam");
        // the gap and the overlap of 2023's summer time
        assertThat(WallTime.toEpochMillis(amsterdam, 2023, 3, 26, 2, 30, 0)).isEqualTo(WallTime.UNKNOWN);
        assertThat(WallTime.toEpochMillis(amsterdam, 2023, 10, 29, 2, 30, 0)).isEqualTo(WallTime.UNKNOWN);
        // out of range fields, which the lenient calendar rolls over
        assertThat(WallTime.toEpochMillis(amsterdam, 2023, 2, 29, 12, 0, 0)).isEqualTo(WallTime.UNKNOWN);
        assertThat(WallTime.toEpochMillis(amsterdam, 2023, 13, 1, 12, 0, 0)).isEqualTo(WallTime.UNKNOWN);
        assertThat(WallTime.toEpochMillis(amsterdam, 2023, 1, 1, 24, 0, 0)).isEqualTo(WallTime.UNKNOWN);
        assertThat(WallTime.toEpochMillis(amsterdam, 2023, 1, 1, 12, 0, 60)).isEqualTo(WallTime.UNKNOWN);
        // Julian dates, and a region zone past its transition tables
        assertThat(WallTime.toEpochMillis(amsterdam, 1582, 12, 1, 12, 0, 0)).isEqualTo(WallTime.UNKNOWN);
        assertThat(WallTime.toEpochMillis(amsterdam, 2040, 1, 1, 12, 0, 0)).isEqualTo(WallTime.UNKNOWN);
        // a zone that is not the JDK's own, even under a JDK zone's name
        assertThat(WallTime.toEpochMillis(new SimpleTimeZone(3_600_000, "Europe/Amsterdam"), 2023, 1, 1, 12, 0, 0))
                .isEqualTo(WallTime.UNKNOWN);
        // a JDK zone renamed or re-offset: its data are no longer its ID's (London's autumn overlap under Lagos's
        // name would pass for a time only one instant shows)
        TimeZone renamed = TimeZone.getTimeZone("Europe/London");
        renamed.setID("Africa/Lagos");
        assertThat(WallTime.toEpochMillis(renamed, 2023, 10, 29, 1, 30, 0)).isEqualTo(WallTime.UNKNOWN);
        assertThat(WallTime.toEpochMillis(renamed, 2023, 7, 1, 12, 0, 0)).isEqualTo(WallTime.UNKNOWN);
        TimeZone shifted = TimeZone.getTimeZone("Africa/Lagos");
        shifted.setRawOffset(2 * 3_600_000);
        assertThat(WallTime.toEpochMillis(shifted, 2023, 7, 1, 12, 0, 0)).isEqualTo(WallTime.UNKNOWN);
        TimeZone unknown = TimeZone.getTimeZone("Europe/Amsterdam");
        unknown.setID("Nowhere/Made_Up");
        assertThat(WallTime.toEpochMillis(unknown, 2023, 7, 1, 12, 0, 0)).isEqualTo(WallTime.UNKNOWN);
    }
}

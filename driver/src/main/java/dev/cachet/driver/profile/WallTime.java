package dev.cachet.driver.profile;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Year;
import java.time.zone.ZoneRules;
import java.util.TimeZone;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The instant of a wall-clock date and time in a zone, as a lenient {@code GregorianCalendar} of that zone computes
 * it, without one — where the answer cannot depend on how the calendar resolves a wall time: the fields in range, a
 * Gregorian date (after the calendar's 1582 cutover), and exactly one instant showing that wall time (no gap, no
 * overlap). Everywhere else it answers {@link #UNKNOWN} and the caller runs the calendar.
 *
 * <p>Why it agrees with the calendar: the instant it returns shows the wall time in the zone itself (checked with the
 * zone's own {@link TimeZone#getOffset(long)}), and {@code java.time}'s rules of the same zone say no other instant
 * does; a calendar given a wall time that exactly one instant shows returns that instant. Only the JDK's own zones
 * qualify, whose {@code java.time} rules come from the same time-zone data, and only with the rules their ID names
 * ({@code TimeZone.setID} and {@code setRawOffset} can make a JDK zone whose data are another zone's); an
 * application's {@code TimeZone} subclass or a {@code SimpleTimeZone} goes to the calendar. Region zones are taken through 2037, the end of their
 * transition tables (later years follow recurring rules, which the two APIs apply each their own way).
 */
final class WallTime {

    /** No answer: run the calendar. */
    static final long UNKNOWN = Long.MIN_VALUE;

    private static final Class<?> JDK_ZONE = TimeZone.getTimeZone("UTC").getClass();
    /**
     * A JDK zone as its ID names it, that zone's {@code java.time} rules, and their one offset in milliseconds when
     * they have only one ({@link #UNKNOWN_OFFSET} otherwise).
     */
    private record Named(String id, TimeZone zone, ZoneRules rules, int fixedOffsetMillis) {
    }

    private static final int UNKNOWN_OFFSET = Integer.MIN_VALUE;
    /** Stands for an ID whose rules could not be had. */
    private static final Named NONE = new Named(null, null, null, UNKNOWN_OFFSET);
    /**
     * The zone named last, checked before the map: nearly every call names the JVM's default zone. Read and written
     * without synchronisation: it is immutable, and a thread that misses another's write only looks in the map.
     */
    private static Named last = NONE;
    /** IDs are few (about 600 in the JDK); made-up ones, beyond this many, are looked up each time, not kept. */
    private static final int MAX_IDS = 2_048;
    private static final ConcurrentHashMap<String, Named> RULES = new ConcurrentHashMap<>();
    private static final int FIRST_GREGORIAN_YEAR = 1583;
    private static final int LAST_YEAR_OF_TABLES = 2037;
    private static final int LAST_FIXED_YEAR = 9999;

    private WallTime() {}

    /**
     * The epoch milliseconds at which {@code zone}'s clocks show the given wall time (AD, month 1–12), or
     * {@link #UNKNOWN}.
     */
    static long toEpochMillis(TimeZone zone, int year, int month, int day, int hour, int minute, int second) {
        if (year < FIRST_GREGORIAN_YEAR || year > LAST_FIXED_YEAR || month < 1 || month > 12 || day < 1
                || day > daysInMonth(year, month) || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59 || zone.getClass() != JDK_ZONE) {
            return UNKNOWN;
        }
        String id = zone.getID();
        Named named = last;
        if (!id.equals(named.id)) {
            named = RULES.get(id);
            if (named == null) {
                named = named(id);
                if (RULES.size() < MAX_IDS) {
                    RULES.putIfAbsent(id, named);
                }
            }
            if (named != NONE) {
                last = named;
            }
        }
        // the zone must be the one its ID names: same raw offset, same transitions (a cheap comparison)
        if (named == NONE || !zone.hasSameRules(named.zone)) {
            return UNKNOWN;
        }
        long wall = (epochDay(year, month, day) * 86_400L + hour * 3_600L + minute * 60L + second) * 1_000L;
        int offsetMillis = named.fixedOffsetMillis;
        if (offsetMillis == UNKNOWN_OFFSET) {
            if (year > LAST_YEAR_OF_TABLES) {
                return UNKNOWN;
            }
            ZoneRules rules = named.rules;
            LocalDateTime dateTime = LocalDateTime.of(year, month, day, hour, minute, second);
            if (rules.getTransition(dateTime) != null) {
                return UNKNOWN; // a gap or an overlap: the calendar decides
            }
            offsetMillis = rules.getOffset(dateTime).getTotalSeconds() * 1_000;
        }
        long instant = wall - offsetMillis;
        // the zone itself must agree that this instant shows the wall time
        return zone.getOffset(instant) == offsetMillis ? instant : UNKNOWN;
    }

    private static Named named(String id) {
        TimeZone zone = TimeZone.getTimeZone(id);
        if (!zone.getID().equals(id) || zone.getClass() != JDK_ZONE) {
            return NONE; // an ID the JDK does not know (getTimeZone answers GMT)
        }
        try {
            ZoneRules rules = zone.toZoneId().getRules();
            int fixed = rules.isFixedOffset() ? rules.getOffset(Instant.EPOCH).getTotalSeconds() * 1_000 : UNKNOWN_OFFSET;
            return new Named(id, zone, rules, fixed);
        } catch (RuntimeException e) {
            return NONE;
        }
    }

    private static int daysInMonth(int year, int month) {
        return month == 2 ? (Year.isLeap(year) ? 29 : 28) : 30 + ((month + (month >> 3)) & 1);
    }

    /** Days from 1970-01-01 to a Gregorian date of year 1 or later (month 1–12), as {@code LocalDate.toEpochDay}. */
    static long epochDay(int year, int month, int day) {
        // counted from March 1, so that the leap day ends a year (the civil-from-days arithmetic of the Gregorian
        // calendar's 400-year cycle of 146,097 days)
        int y = month <= 2 ? year - 1 : year;
        int era = y / 400;
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468L;
    }
}

package dev.cachet.cache;

import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * Conversions of {@code java.util.Date} values that never mutate them. The deprecated field getters
 * ({@code getYear()} …) that {@code toString()}, {@code toLocalDate()} and {@code toLocalDateTime()} use
 * lazily attach a calendar object to the instance: on a cached value shared between threads that would
 * be an unsynchronized write and would grow the entry. These read only {@code getTime()} and
 * {@code getNanos()}.
 */
final class Temporals {

    private Temporals() {
    }

    /** A fresh copy with no cached calendar fields. */
    static Object copy(java.util.Date d) {
        if (d instanceof Timestamp) {
            Timestamp t = new Timestamp(d.getTime());
            t.setNanos(((Timestamp) d).getNanos());
            return t;
        }
        if (d instanceof java.sql.Date) {
            return new java.sql.Date(d.getTime());
        }
        if (d instanceof Time) {
            return new Time(d.getTime());
        }
        return new java.util.Date(d.getTime());
    }

    static LocalDateTime localDateTime(Timestamp t) {
        return LocalDateTime.ofInstant(t.toInstant(), ZoneId.systemDefault());
    }

    static LocalDate localDate(java.util.Date d) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(d.getTime()), ZoneId.systemDefault());
    }

    /** Like {@link Time#toLocalTime()}: whole seconds. */
    static LocalTime localTime(Time t) {
        return LocalTime.ofInstant(Instant.ofEpochMilli(t.getTime()), ZoneId.systemDefault()).withNano(0);
    }

    /** {@code yyyy-mm-dd hh:mm:ss[.fraction]}, the fraction without trailing zeros. */
    static String render(Timestamp t) {
        LocalDateTime ldt = localDateTime(t);
        int year = ldt.getYear();
        if (year >= 0 && year <= 9999) {
            // the tee renders every captured timestamp: one char[] instead of three builders
            char[] c = new char[29];
            digits(c, 0, year, 4);
            c[4] = '-';
            digits(c, 5, ldt.getMonthValue(), 2);
            c[7] = '-';
            digits(c, 8, ldt.getDayOfMonth(), 2);
            c[10] = ' ';
            digits(c, 11, ldt.getHour(), 2);
            c[13] = ':';
            digits(c, 14, ldt.getMinute(), 2);
            c[16] = ':';
            digits(c, 17, ldt.getSecond(), 2);
            int length = 19;
            int nanos = ldt.getNano();
            if (nanos != 0) {
                c[19] = '.';
                digits(c, 20, nanos, 9);
                length = 29;
                while (c[length - 1] == '0') {
                    length--;
                }
            }
            return new String(c, 0, length);
        }
        StringBuilder sb = new StringBuilder(29).append(ldt.toLocalDate()).append(' ');
        LocalTime time = ldt.toLocalTime();
        two(sb, time.getHour()).append(':');
        two(sb, time.getMinute()).append(':');
        two(sb, time.getSecond());
        int nanos = time.getNano();
        if (nanos != 0) {
            String f = Integer.toString(nanos + 1_000_000_000).substring(1);
            int end = f.length();
            while (f.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(f, 0, end);
        }
        return sb.toString();
    }

    static String render(java.sql.Date d) {
        return localDate(d).toString();
    }

    static String render(Time t) {
        LocalTime time = LocalTime.ofInstant(Instant.ofEpochMilli(t.getTime()), ZoneId.systemDefault());
        StringBuilder sb = new StringBuilder(8);
        two(sb, time.getHour()).append(':');
        two(sb, time.getMinute()).append(':');
        return two(sb, time.getSecond()).toString();
    }

    /** Writes {@code v} (non-negative) as exactly {@code width} decimal digits at {@code at}. */
    private static void digits(char[] c, int at, int v, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + v % 10);
            v /= 10;
        }
    }

    private static StringBuilder two(StringBuilder sb, int v) {
        return sb.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }
}

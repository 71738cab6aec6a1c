package dev.cachet.parser;

import java.util.Locale;
import java.util.Set;

/**
 * The data type names built into PostgreSQL, MySQL / MariaDB and H2 — the targets a cast may name without
 * reaching user code. A cast to any other type (a PostgreSQL domain, composite, enum or extension type)
 * may run a user-defined cast or input function, or a domain's CHECK, so it counts as a call of an
 * unknown function named after the type (DESIGN §4).
 *
 * <p>A type name is built in when every word of it is in this vocabulary: that accepts the multi-word
 * spellings ({@code double precision}, {@code timestamp with time zone}, {@code character varying},
 * {@code interval day to second}, H2's {@code integer array}) without listing each combination.
 */
final class BuiltinTypes {

    private BuiltinTypes() {
    }

    private static final Set<String> WORDS = Set.copyOf(java.util.Arrays.asList((""
            // PostgreSQL
            + "bigint int8 bigserial serial8 bit varbit varying boolean bool box bytea character char bpchar"
            + " varchar cidr circle date double precision float float4 float8 inet integer int int2 int4"
            + " interval json jsonb jsonpath line lseg macaddr macaddr8 money numeric decimal path pg_lsn"
            + " pg_snapshot point polygon real smallint smallserial serial2 serial serial4 text time timetz"
            + " timestamp timestamptz with without zone local tsquery tsvector txid_snapshot uuid xml"
            + " regclass regproc regprocedure regoper regoperator regtype regconfig regdictionary regnamespace"
            + " regrole regcollation oid xid xid8 cid tid name int4range int8range numrange tsrange tstzrange"
            + " daterange int4multirange int8multirange nummultirange tsmultirange tstzmultirange"
            + " datemultirange year month day hour minute second to array"
            // MySQL / MariaDB cast targets and column types
            + " signed unsigned tinyint mediumint datetime binary varbinary blob tinyblob mediumblob longblob"
            + " tinytext mediumtext longtext enum nchar nvarchar national geometry inet4 inet6"
            // H2
            + " clob nclob large object number decfloat varchar_ignorecase varchar2 nvarchar2 java_object"
            + " other row identity long byte").split(" ")));

    /**
     * Whether {@code dataType} (as written in the cast: perhaps qualified, quoted, with a length, precision
     * or array suffix) is built in.
     */
    static boolean isBuiltin(String dataType) {
        if (dataType == null) {
            return true;
        }
        String t = dataType.toLowerCase(Locale.ROOT).replace("\"", "").replace("`", "");
        int paren = t.indexOf('(');
        if (paren >= 0) {
            t = t.substring(0, paren) + " " + t.substring(t.lastIndexOf(')') + 1);
        }
        t = t.replace("[]", " ").replace('[', ' ').replace(']', ' ').trim();
        int dot = t.lastIndexOf('.');
        if (dot >= 0) {
            String schema = t.substring(0, dot).trim();
            if (!schema.equals("pg_catalog") && !schema.endsWith(".pg_catalog")) {
                return false; // a type in a user schema
            }
            t = t.substring(dot + 1).trim();
        }
        if (t.isEmpty()) {
            return true;
        }
        for (String word : t.split("\\s+")) {
            String w = word.startsWith("_") ? word.substring(1) : word; // PostgreSQL's array type names
            if (!WORDS.contains(w) && !w.matches("\\d+")) {
                return false;
            }
        }
        return true;
    }
}

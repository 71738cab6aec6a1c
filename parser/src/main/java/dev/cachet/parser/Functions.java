package dev.cachet.parser;

import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * The built-in function lists, per dialect. A name is looked up lower-case and unqualified.
 *
 * <ul>
 *   <li><b>deterministic</b>: same arguments, same result, no side effect — safe in a cached query.
 *       Functions that depend only on what the cache key already holds (the user, role, catalog,
 *       schema) count as deterministic: {@code current_user}, {@code current_schema()},
 *       {@code database()}, {@code version()}.</li>
 *   <li><b>volatile</b>: the result changes between calls (clocks, random numbers, sleeping), but
 *       nothing else happens — the query is not cached, and may still run on a replica.</li>
 *   <li><b>session-bound</b>: side-effecting or bound to one server session (sequences, advisory
 *       locks, {@code last_insert_id()}, {@code set_config()}, backend ids, large objects) — not cached,
 *       and must run on the primary.</li>
 * </ul>
 *
 * Any other name is unknown: it may be a user-defined function that writes.
 */
final class Functions {

    private Functions() {
    }

    enum Category { DETERMINISTIC, VOLATILE, SESSION_BOUND, UNKNOWN }

    /** Standard SQL and names every supported dialect shares. */
    private static final String COMMON =
            // aggregates
            "count sum avg min max every any_value bit_and bit_or bit_xor bool_and bool_or stddev stddev_pop"
            + " stddev_samp variance var_pop var_samp covar_pop covar_samp corr regr_slope regr_intercept regr_count"
            + " regr_r2 regr_avgx regr_avgy regr_sxx regr_syy regr_sxy percentile_cont percentile_disc mode median"
            + " listagg string_agg array_agg json_agg jsonb_agg json_object_agg jsonb_object_agg json_arrayagg"
            + " json_objectagg group_concat xmlagg"
            // window functions
            + " row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value last_value nth_value"
            // conditional
            + " coalesce nullif greatest least ifnull nvl nvl2 isnull if iif decode case"
            // string
            + " lower upper lcase ucase length char_length character_length octet_length bit_length substring substr"
            + " trim ltrim rtrim btrim lpad rpad concat concat_ws replace reverse left right repeat position strpos"
            + " locate instr translate initcap split_part ascii chr char format to_hex md5 sha1 sha2 sha224 sha256"
            + " sha384 sha512 soundex difference quote_ident quote_literal quote_nullable regexp_replace regexp_like"
            + " regexp_substr regexp_instr regexp_matches regexp_match regexp_split_to_array regexp_split_to_table"
            + " regexp_count starts_with ends_with overlay space insert field find_in_set elt make_set export_set"
            + " hex unhex bin oct lengthb encode decode base64 to_base64 from_base64 string_to_array array_to_string"
            + " unistr normalize casefold left_pad right_pad utf8 convert_from convert_to"
            // math
            + " abs ceil ceiling floor round trunc truncate mod power pow sqrt cbrt exp ln log log10 log2 sign pi"
            + " degrees radians sin cos tan asin acos atan atan2 cot sinh cosh tanh asinh acosh atanh div width_bucket"
            + " gcd lcm factorial scale min_scale trim_scale bitand bitor bitxor bitnot bitcount"
            // conversion / cast
            + " cast convert try_cast to_char to_number to_date to_timestamp to_json to_jsonb row_to_json"
            + " array_to_json format_type text int2 int4 int8 float4 float8 numeric bool boolean varchar date time"
            + " timestamp timestamptz interval"
            // date arithmetic (the clock-free ones)
            + " date_trunc date_part extract date_add date_sub datediff dateadd timestampadd timestampdiff adddate"
            + " subdate addtime subtime date_format time_format str_to_date from_unixtime makedate maketime"
            + " make_date make_time make_timestamp make_timestamptz make_interval justify_days justify_hours"
            + " justify_interval year month day dayofmonth dayofweek dayofyear dayname monthname hour minute"
            + " second microsecond quarter week weekday weekofyear yearweek last_day to_days from_days time_to_sec"
            + " sec_to_time period_add period_diff isfinite date_bin convert_tz overlaps"
            // JSON
            + " json_extract json_extract_path json_extract_path_text jsonb_extract_path jsonb_extract_path_text"
            + " json_unquote json_quote json_object json_array json_build_object jsonb_build_object json_build_array"
            + " jsonb_build_array json_array_length jsonb_array_length json_array_elements jsonb_array_elements"
            + " json_array_elements_text jsonb_array_elements_text json_each jsonb_each json_each_text"
            + " jsonb_each_text json_object_keys jsonb_object_keys json_typeof jsonb_typeof json_strip_nulls"
            + " jsonb_strip_nulls jsonb_set jsonb_insert jsonb_pretty jsonb_path_query jsonb_path_exists"
            + " jsonb_path_match jsonb_path_query_array jsonb_path_query_first json_contains json_contains_path"
            + " json_keys json_length json_depth json_valid json_type json_set json_insert json_replace json_remove"
            + " json_merge json_merge_patch json_merge_preserve json_search json_value json_query json_exists"
            + " json_table json_pretty json_storage_size json_overlaps json_array_append json_array_insert"
            + " json_populate_record jsonb_populate_record json_to_record jsonb_to_record json_to_recordset"
            + " jsonb_to_recordset json_scalar json_serialize json"
            // arrays, sets, misc deterministic
            + " array_length array_upper array_lower array_position array_positions array_remove array_replace"
            + " array_cat array_append array_prepend array_dims array_ndims cardinality unnest generate_series"
            + " generate_subscripts array_contains array_max array_min array_slice trim_array"
            + " row num_nulls num_nonnulls nullifzero zeroifnull"
            // SQL constructs the parser may hand over as calls
            + " any some all array exists rollup cube grouping grouping_id grouping_sets values"
            // identity of the keyed session (the cache key holds user, role, catalog and schema)
            + " current_user session_user user current_role current_schema current_schemas current_database"
            + " current_catalog database schema version system_user";

    private static final String POSTGRESQL =
            " to_tsvector to_tsquery plainto_tsquery phraseto_tsquery websearch_to_tsquery ts_rank ts_rank_cd"
            + " ts_headline setweight strip tsvector_to_array array_to_tsvector numnode querytree"
            + " similarity word_similarity show_trgm"
            + " host hostmask masklen netmask network broadcast inet_merge family abbrev set_masklen"
            + " st_distance st_within st_contains st_intersects st_astext st_geomfromtext st_x st_y st_makepoint"
            + " st_setsrid st_transform st_dwithin st_area st_length st_buffer"
            + " lower_inc upper_inc lower_inf upper_inf isempty range_merge int4range int8range numrange tsrange"
            + " tstzrange daterange multirange"
            + " xmlelement xmlforest xmlconcat xmlparse xmlserialize xpath xpath_exists xmlexists"
            + " pg_typeof to_regclass to_regtype has_table_privilege has_schema_privilege has_column_privilege"
            + " has_database_privilege has_function_privilege pg_get_viewdef pg_get_indexdef pg_get_constraintdef"
            + " col_description obj_description pg_table_is_visible pg_column_size"
            + " sha256 gen_salt crypt digest hmac"
            + " bit_count get_bit set_bit get_byte set_byte";

    private static final String MYSQL =
            " inet_aton inet_ntoa inet6_aton inet6_ntoa is_ipv4 is_ipv6 bit_count crc32 compress uncompress"
            + " uncompressed_length aes_encrypt aes_decrypt password weight_string char_length match against"
            + " st_distance st_contains st_within st_astext st_geomfromtext st_x st_y point"
            + " strcmp quote soundex ord mid substring_index lengthb charset collation coercibility"
            + " uuid_to_bin bin_to_uuid is_uuid format_bytes format_pico_time regexp"
            + " get_format to_seconds dayofweek utc_offset";

    private static final String H2 =
            " array_get array_contains array_slice bitget bitnot lshift rshift rotateleft rotateright"
            + " hash ora_hash standard_hash encrypt decrypt compress expand utf8tostring stringtoutf8"
            + " stringencode stringdecode stringtohash xmlattr xmlnode xmlcomment xmlcdata xmlstartdoc xmltext"
            + " formatdatetime parsedatetime dateadd datediff day_of_week day_of_month day_of_year iso_week"
            + " iso_year iso_day_of_week casewhen nvl2 truncate_value zero char_length octet_length"
            + " bit_and_agg bit_or_agg bit_xor_agg any every envelope h2version cardinality";

    private static final String VOLATILE =
            "now current_timestamp current_date current_time localtime localtimestamp clock_timestamp"
            + " statement_timestamp transaction_timestamp timeofday sysdate systimestamp getdate curdate curtime"
            + " current_timestamp utc_timestamp utc_date utc_time unix_timestamp"
            // age(x) with one argument measures from today
            + " age"
            + " random rand random_uuid uuid uuid_short gen_random_uuid gen_random_bytes uuid_generate_v1"
            + " uuid_generate_v1mc uuid_generate_v4 random_bytes secure_rand setseed"
            + " sleep pg_sleep pg_sleep_for pg_sleep_until benchmark"
            + " pg_postmaster_start_time pg_conf_load_time inet_client_addr inet_client_port inet_server_addr"
            + " inet_server_port pg_is_in_recovery pg_last_wal_replay_lsn pg_last_wal_receive_lsn"
            + " pg_current_wal_lsn pg_current_wal_insert_lsn pg_last_xact_replay_timestamp"
            + " load_file csvread file_read disk_space_used memory_free memory_used"
            + " pg_relation_size pg_total_relation_size pg_table_size pg_indexes_size pg_database_size";

    private static final String SESSION_BOUND =
            "nextval setval currval lastval next_value last_insert_id found_rows row_count identity scope_identity"
            + " pg_advisory_lock pg_advisory_lock_shared pg_advisory_unlock pg_advisory_unlock_shared"
            + " pg_advisory_unlock_all pg_advisory_xact_lock pg_advisory_xact_lock_shared pg_try_advisory_lock"
            + " pg_try_advisory_lock_shared pg_try_advisory_xact_lock pg_try_advisory_xact_lock_shared"
            + " get_lock release_lock release_all_locks is_free_lock is_used_lock"
            // current_setting reads a setting of this session (SET, set_config): row-level security policies use it
            + " set_config current_setting pg_notify txid_current txid_current_if_assigned pg_current_xact_id"
            + " pg_current_xact_id_if_assigned pg_backend_pid connection_id session_id transaction_id lock_mode"
            + " lo_creat lo_create lo_import lo_export lo_unlink lo_open lo_close lo_put lo_get lo_from_bytea"
            + " lo_truncate lo_truncate64 lo_lseek lo_tell loread lowrite"
            + " pg_cancel_backend pg_terminate_backend pg_reload_conf pg_rotate_logfile pg_switch_wal"
            + " pg_create_restore_point pg_stat_reset pg_stat_clear_snapshot pg_export_snapshot"
            + " master_pos_wait source_pos_wait wait_for_executed_gtid_set cancel_session abort_session"
            + " file_write csvwrite link_schema set lock_timeout";

    private static final Set<String> VOLATILE_SET = set(VOLATILE);
    private static final Set<String> SESSION_BOUND_SET = set(SESSION_BOUND);
    private static final Set<String> COMMON_SET = set(COMMON);
    private static final Set<String> PG_SET = union(COMMON_SET, set(POSTGRESQL));
    private static final Set<String> MYSQL_SET = union(COMMON_SET, set(MYSQL));
    private static final Set<String> H2_SET = union(COMMON_SET, set(H2));
    private static final Set<String> GENERIC_SET = union(union(PG_SET, set(MYSQL)), set(H2));

    /**
     * Keywords that name a volatile function without parentheses; JSqlParser may hand them over as
     * plain column names.
     */
    static final Set<String> VOLATILE_KEYWORDS = set(
            "current_timestamp current_date current_time localtime localtimestamp sysdate systimestamp"
            + " utc_timestamp utc_date utc_time");

    static Category categorize(String lowerName, Dialect dialect) {
        if (SESSION_BOUND_SET.contains(lowerName) || lowerName.startsWith("pg_advisory")
                || lowerName.startsWith("pg_try_advisory") || lowerName.startsWith("lo_")) {
            return Category.SESSION_BOUND;
        }
        if (VOLATILE_SET.contains(lowerName)) {
            return Category.VOLATILE;
        }
        Set<String> det;
        switch (dialect) {
            case POSTGRESQL: det = PG_SET; break;
            case MYSQL: det = MYSQL_SET; break;
            case H2: det = H2_SET; break;
            default: det = GENERIC_SET;
        }
        return det.contains(lowerName) ? Category.DETERMINISTIC : Category.UNKNOWN;
    }

    private static Set<String> set(String words) {
        Set<String> s = new HashSet<>();
        for (String w : words.trim().split("\\s+")) {
            if (!w.isEmpty()) {
                s.add(w);
            }
        }
        return Collections.unmodifiableSet(s);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new HashSet<>(a);
        s.addAll(b);
        return Collections.unmodifiableSet(s);
    }
}

package dev.wail.consumer.model;

import java.util.List;

/**
 * A PostgreSQL type a generated table may use in its primary key, with a few values of it (SQL literals, distinct as
 * values of the type) and another spelling of a value than the hook's, as a person or another producer might write
 * it in an intent (an expression over the column named by {@code {v}} that yields a JSON value).
 */
enum KeyType {
    BIGINT("bigint", "to_json({v})", "-9223372036854775808", "0", "42", "9223372036854775807"),
    INTEGER("integer", "to_json({v})", "-2147483648", "7", "2147483647"),
    TEXT("text", "to_json({v})", "''", "'a'", "'A'", "'é ü'", "'a b'", "'x' || repeat('y', 40)"),
    CHAR("char(4)", "to_json({v})", "'a'", "'ab'", "'abcd'", "' a'"),
    UUID("uuid", "to_json(upper({v}::text))", "'6f1c2a9e-3b1d-4c6e-9f0a-1b2c3d4e5f60'",
            "'00000000-0000-0000-0000-000000000000'", "'FFFFFFFF-0000-4000-8000-00000000000A'"),
    NUMERIC("numeric", "to_json({v}::numeric(30,6)::text)", "1.5", "1.50001", "-0.25", "100", "0"),
    DATE("date", "to_json({v}::text)", "'2026-01-02'", "'1999-12-31'", "'0001-01-01'"),
    TIMESTAMP("timestamp", "to_json(to_char({v}, 'YYYY-MM-DD HH24:MI:SS.US'))", "'2026-01-02 03:04:05'",
            "'2026-01-02 03:04:05.25'", "'2026-01-02 03:04:05.000001'"),
    TIMESTAMPTZ("timestamptz", "to_json({v})", "'2026-01-02 03:04:05+00'", "'2026-01-02 03:04:05.5+05:30'",
            "'2026-06-30 23:59:59.123456-07'"),
    BOOLEAN("boolean", "to_json(left({v}::text, 1))", "true", "false"),
    BYTEA("bytea", "to_json('\\x' || upper(encode({v}, 'hex')))", "'\\x00'", "'\\xdeadbeef'", "''"),
    INET("inet", "to_json(host({v}) || '/' || masklen({v}))", "'10.0.0.1'", "'10.0.0.0/8'", "'::1'",
            "'2001:db8::ff00:42:8329'"),
    ENUM("model.mood", "to_json({v}::text)", "'sad'", "'ok'", "'happy'"),
    DOMAIN("model.code", "to_json({v}::text)", "'A-1'", "'b-2'", "'c 3'");

    /** The types and domains the enum and domain entries need, created in schema {@code model}. */
    static final String SUPPORT_TYPES = """
            CREATE TYPE model.mood AS ENUM ('sad', 'ok', 'happy');
            CREATE DOMAIN model.code AS text CHECK (VALUE <> '');
            """;

    final String sql;
    /** A JSON value of the column {@code {v}}: the same value, spelled otherwise than the hook spells it. */
    private final String otherSpelling;
    final List<String> literals;

    KeyType(String sql, String otherSpelling, String... literals) {
        this.sql = sql;
        this.otherSpelling = otherSpelling;
        this.literals = List.of(literals);
    }

    /** The other spelling of {@code column}'s value, as a SQL expression yielding JSON. */
    String otherSpelling(String column) {
        return otherSpelling.replace("{v}", column);
    }

    /** The {@code i}-th value, modulo the number of values, as a typed SQL literal. */
    String literal(int i) {
        return "(" + literals.get(Math.floorMod(i, literals.size())) + ")::" + sql;
    }
}

package dev.wail.consumer.model;

import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One generated case: a captured table (its key types, partitioned or not), what the application does to it, and
 * the seed that decides how the log delivers the intents (subsets, duplicates, reordering, packing, concurrency,
 * crashes).
 */
record Scenario(long seed, List<KeyType> keyTypes, boolean partitioned, List<Op> ops, long deliverySeed) {

    /** Partitions of a partitioned table (hash partitioning, which every key type here supports). */
    static final int PARTITIONS = 3;

    /** One statement of the application, and what follows it. */
    record Op(Kind kind, int key, int otherKey, boolean throughPartition, boolean endsTransaction,
            boolean rollsBack, boolean deliverAfter) {
    }

    enum Kind {
        INSERT, UPDATE, DELETE, REKEY
    }

    /**
     * The case of {@code seed}: one or two key types, partitioned or not, 4 to 40 statements (inserts and
     * updates four times as often as key changes, deletes twice as often), each ending its transaction one time in
     * four (one in ten rolling back) and followed by a delivery one time in five.
     */
    static Scenario generate(long seed) {
        Random draw = new Random(seed);
        KeyType[] types = KeyType.values();
        List<KeyType> keyTypes = IntStream.range(0, 1 + draw.nextInt(2))
                .mapToObj(i -> types[draw.nextInt(types.length)])
                .toList();
        boolean partitioned = draw.nextBoolean();
        List<Op> ops = IntStream.range(0, 4 + draw.nextInt(37)).mapToObj(i -> {
            int kind = draw.nextInt(11);
            int dice = draw.nextInt(60);
            return new Op(kind < 4 ? Kind.INSERT : kind < 8 ? Kind.UPDATE : kind < 10 ? Kind.DELETE : Kind.REKEY,
                    draw.nextInt(8), draw.nextInt(8), dice % 3 == 0, dice % 4 == 0, dice % 10 == 0, dice % 5 == 0);
        }).toList();
        return new Scenario(seed, keyTypes, partitioned, ops, draw.nextLong());
    }

    /** One line naming the case and how to replay it. */
    String summary() {
        return "seed " + seed + ": keys " + keyTypes + (partitioned ? ", partitioned" : "") + ", " + ops.size()
                + " statements";
    }

    List<String> keyColumns() {
        return IntStream.range(0, keyTypes.size()).mapToObj(i -> "k" + i).toList();
    }

    List<String> columns() {
        List<String> columns = new java.util.ArrayList<>(keyColumns());
        columns.add("rev");
        columns.add("note");
        return columns;
    }

    /** How many distinct keys the workload picks from: every key index below it names a different row. */
    int keySpace() {
        int size = 1;
        for (KeyType type : keyTypes) {
            size *= type.literals.size();
        }
        return Math.min(size, 8);
    }

    /** The key columns' values of key {@code index}, as typed SQL literals (mixed radix over the value lists). */
    List<String> keyLiterals(int index) {
        int rest = Math.floorMod(index, keySpace());
        List<String> literals = new java.util.ArrayList<>();
        for (KeyType type : keyTypes) {
            literals.add(type.literal(rest % type.literals.size()));
            rest /= type.literals.size();
        }
        return literals;
    }

    /** {@code (k0, k1) = (lit0, lit1)} for key {@code index}. */
    String keyMatches(int index) {
        return "(" + String.join(", ", keyColumns()) + ") = (" + String.join(", ", keyLiterals(index)) + ")";
    }

    String tableDefinition(String table, boolean withPartitions) {
        String columns = IntStream.range(0, keyTypes.size())
                .mapToObj(i -> "k" + i + " " + keyTypes.get(i).sql)
                .collect(Collectors.joining(", "));
        return "CREATE TABLE " + table + " (" + columns + ", rev bigint NOT NULL DEFAULT nextval('model.rev'),"
                + " note text, PRIMARY KEY (" + String.join(", ", keyColumns()) + "))"
                + (withPartitions && partitioned ? " PARTITION BY HASH (k0)" : "");
    }

    @Override
    public String toString() {
        return summary() + ", delivery " + deliverySeed + ": " + ops;
    }
}

package dev.wail.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Reads a {@link Profile}: whether one thread or server process ran flat out (a single-threaded stage at its limit),
 * whether the machine's CPU was saturated, who used it, and how deep the queues got. Every word of it comes from a
 * measured number; the thresholds are stated with it.
 */
final class Bottleneck {

    /** A member at or above this share of one core is a stage at its limit. */
    static final double SATURATED_CORE = 0.8;
    /** The machine at or above this share of all its cores has no CPU left to give. */
    static final double SATURATED_MACHINE = 0.85;
    /** A stage busy (on CPU or waiting) at or above this share of its threads' time cannot take more. */
    static final double SATURATED_STAGE = 0.8;
    private static final int LARGEST = 4;

    private Bottleneck() {
    }

    /** One CPU user, JVM threads and server processes alike. */
    record User(String where, Profile.CpuUse use) {
        String label() {
            return where + " " + use.group();
        }
    }

    static String reading(Profile profile) {
        List<User> users = users(profile);
        List<String> parts = new ArrayList<>();
        parts.add(String.format(Locale.ROOT, "machine %.0f%% busy of %d cores%s, other processes %.0f%% of a core",
                profile.machineBusyShare() * 100, profile.cores(),
                profile.machineBusyShare() >= SATURATED_MACHINE ? " (saturated)" : "",
                percentOfCore(profile, profile.otherProcessesSeconds())));
        parts.add(stages(profile));
        users.stream().filter(u -> u.use().members() > 0)
                .max(Comparator.comparingDouble(u -> u.use().busiestMemberSeconds()))
                .ifPresent(u -> parts.add(busiest(profile, u)));
        parts.add("largest users: " + String.join(", ", users.stream().limit(LARGEST)
                .map(u -> String.format(Locale.ROOT, "%s %.0f%%", u.label(), percentOfCore(profile, u.use()
                        .cpuSeconds()))).toList()) + " (of a core)");
        parts.add("queues: " + String.join(", ", profile.queues().stream()
                .map(q -> String.format(Locale.ROOT, "%s max %,d mean %,.0f", q.name(), q.max(), q.mean())).toList()));
        return "reading: " + String.join("; ", parts);
    }

    /** Every stage at its limit, or else the busiest one. */
    private static String stages(Profile profile) {
        List<Profile.StageTime> top = profile.stages().stream().filter(s -> !s.partOfAbove())
                .sorted(Comparator.comparingDouble(profile::busyShare).reversed()).toList();
        List<Profile.StageTime> atLimit = top.stream().filter(s -> profile.busyShare(s) >= SATURATED_STAGE).toList();
        List<Profile.StageTime> named = atLimit.isEmpty() ? top.stream().limit(1).toList() : atLimit;
        return (atLimit.isEmpty() ? "no stage at its limit (" + Math.round(SATURATED_STAGE * 100) + "% busy); busiest: "
                : "stage(s) at their limit: ") + String.join(", ", named.stream().map(s -> String.format(Locale.ROOT,
                "\"%s\" busy %.0f%% of its %d thread(s)' time", s.name().trim(), profile.busyShare(s) * 100,
                s.threads())).toList());
    }

    private static String busiest(Profile profile, User user) {
        double percent = percentOfCore(profile, user.use().busiestMemberSeconds());
        return String.format(Locale.ROOT, "%s %s (%s) at %.0f%% of a core%s", percent >= SATURATED_CORE * 100
                ? "one stage at its limit:" : "no single thread or process at its limit; busiest:", user.where(),
                user.use().busiestMember(), percent, percent >= SATURATED_CORE * 100 ? "" : String.format(Locale.ROOT,
                        " (limit taken as %.0f%%)", SATURATED_CORE * 100));
    }

    /** JVM thread groups and server process groups, most CPU first; the probe's own connection left out. */
    static List<User> users(Profile profile) {
        List<User> users = new ArrayList<>();
        profile.jvm().forEach(use -> users.add(new User("JVM", use)));
        users.add(new User("JVM", new Profile.CpuUse("[ended threads, other]", 0, profile.jvmUntracked(), "-",
                profile.jvmUntracked())));
        profile.postgres().stream().filter(use -> !Profile.harnessConnections(use.group()))
                .forEach(use -> users.add(new User("PostgreSQL", use)));
        users.sort(Comparator.comparingDouble((User u) -> u.use().cpuSeconds()).reversed());
        return users;
    }

    static double percentOfCore(Profile profile, double cpuSeconds) {
        return profile.shareOfCore(cpuSeconds) * 100;
    }
}

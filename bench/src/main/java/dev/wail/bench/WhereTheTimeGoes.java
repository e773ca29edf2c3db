package dev.wail.bench;

import java.util.List;
import java.util.Locale;

/**
 * The report's "where the time goes" section: for each pipeline, the profile of its last run at the common rate and
 * of the step at its limit, as tables (CPU by thread group and server process, queue depths, the server's busiest
 * statements) and the {@link Bottleneck} reading of each.
 */
final class WhereTheTimeGoes {

    /** Users below this share of one core are summed into one line. */
    private static final double SHOWN_SHARE = 0.01;

    private WhereTheTimeGoes() {
    }

    static String markdown(List<PipelineResult> pipelines) {
        StringBuilder md = new StringBuilder("\n## Where the time goes (measured)\n\n");
        md.append("CPU as % of one core over the run (writes and drain), sampled every 500 ms: JVM threads by name with"
                + " digits blanked, server processes by application_name (else backend type), from /proc. Queues"
                + " sampled at the same ticks. Statements from pg_stat_statements (track = all: a trigger's"
                + " statements appear on their own and inside the statement that fired them).\n");
        for (PipelineResult pipeline : pipelines) {
            if (!pipeline.fixedRate().isEmpty()) {
                section(md, pipeline.name(), "common rate, last repetition", pipeline.commonRateRun());
            }
            pipeline.limitStep().ifPresent(step -> section(md, pipeline.name(),
                    step.sustainedUnderOneSecond() ? "highest step, still under 1 s" : "first step over 1 s", step));
        }
        return md.toString();
    }

    private static void section(StringBuilder md, String name, String which, Step step) {
        Profile profile = step.profile();
        md.append(String.format(Locale.ROOT, "%n### %s at %,d writes/s (%s): p99 %,.0f ms%n%n", name,
                step.targetRate(), which, step.p99Millis()));
        md.append(String.format(Locale.ROOT, "%.1f s sampled; machine %.0f%% busy of %d cores (%.0f%% of a core"
                + " by other processes); load average at the end: %s%n%n", profile.seconds(),
                profile.machineBusyShare() * 100, profile.cores(),
                Bottleneck.percentOfCore(profile, profile.otherProcessesSeconds()), profile.loadAverage()));
        stageTable(md, profile);
        cpuTable(md, profile);
        queueTable(md, profile);
        statementTable(md, profile);
        md.append(Bottleneck.reading(profile)).append('\n');
    }

    private static void cpuTable(StringBuilder md, Profile profile) {
        md.append("| CPU user | what it does | threads / processes | % of a core | busiest one (% of a core) |\n"
                + "|---|---|---:|---:|---|\n");
        double rest = 0;
        for (Bottleneck.User user : Bottleneck.users(profile)) {
            Profile.CpuUse use = user.use();
            if (profile.shareOfCore(use.cpuSeconds()) < SHOWN_SHARE) {
                rest += use.cpuSeconds();
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %s (%.0f) |%n", user.label(),
                    profile.roles().getOrDefault(use.group(), ""), use.members(),
                    Bottleneck.percentOfCore(profile, use.cpuSeconds()), use.busiestMember(),
                    Bottleneck.percentOfCore(profile, use.busiestMemberSeconds())));
        }
        md.append(String.format(Locale.ROOT, "| everything under %.0f%% each | | | %.0f | |%n", SHOWN_SHARE * 100,
                Bottleneck.percentOfCore(profile, rest)));
        md.append(String.format(Locale.ROOT, "| other processes on the machine | not this benchmark | | %.0f | |%n%n",
                Bottleneck.percentOfCore(profile, profile.otherProcessesSeconds())));
    }

    private static void stageTable(StringBuilder md, Profile profile) {
        md.append("| stage (wall time on CPU or waiting; idle polls not counted) | threads | calls | items per call |"
                + " ms per call | busy, % of its threads' time |\n|---|---:|---:|---:|---:|---:|\n");
        for (Profile.StageTime stage : profile.stages()) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %,d | %.1f | %.2f | %.0f |%n", stage.name(),
                    stage.threads(), stage.calls(), stage.calls() == 0 ? 0 : (double) stage.items() / stage.calls(),
                    stage.calls() == 0 ? 0 : stage.totalMillis() / stage.calls(), profile.busyShare(stage) * 100));
        }
        md.append('\n');
    }

    private static void queueTable(StringBuilder md, Profile profile) {
        md.append("| queue | max | mean |\n|---|---:|---:|\n");
        profile.queues().forEach(q -> md.append(String.format(Locale.ROOT, "| %s | %,d | %,.0f |%n", q.name(),
                q.max(), q.mean())));
        md.append('\n');
    }

    private static void statementTable(StringBuilder md, Profile profile) {
        md.append("| statement (server time, most first) | calls | total ms | mean ms |\n|---|---:|---:|---:|\n");
        profile.statements().forEach(s -> md.append(String.format(Locale.ROOT, "| `%s` | %,d | %,.0f | %.3f |%n",
                s.query().replace("|", "\\|"), s.calls(), s.totalMillis(),
                s.calls() == 0 ? 0 : s.totalMillis() / s.calls())));
        md.append('\n');
    }
}

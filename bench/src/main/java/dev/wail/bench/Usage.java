package dev.wail.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU used between a run's first and last sample by members (threads, processes) that come and go: a member present
 * at the first sample counts from its reading then, one born later from zero (CPU starts at zero with it). A member
 * that ended between samples keeps its last reading, so at most one sampling interval of it is lost.
 *
 * @param <K> how a member is identified (thread id, process id)
 */
final class Usage<K> {

    /** A member's group name and cumulative CPU seconds at one sample. */
    record Reading(String name, double cpuSeconds) {
    }

    private final Map<K, Reading> first;
    private final Map<K, Reading> last = new HashMap<>();

    Usage(Map<K, Reading> first) {
        this.first = Map.copyOf(first);
        last.putAll(first);
    }

    void add(Map<K, Reading> sample) {
        last.putAll(sample);
    }

    /** CPU per group, most first; a group is the member names with digit runs blanked ({@code wail-consumer-*}). */
    List<Profile.CpuUse> byGroup() {
        Map<String, List<Map.Entry<String, Double>>> groups = new HashMap<>();
        last.forEach((id, reading) -> {
            Reading start = first.get(id);
            double used = reading.cpuSeconds() - (start == null ? 0 : start.cpuSeconds());
            groups.computeIfAbsent(group(reading.name()), g -> new ArrayList<>()).add(Map.entry(reading.name(), used));
        });
        List<Profile.CpuUse> uses = new ArrayList<>();
        groups.forEach((group, members) -> {
            Map.Entry<String, Double> busiest = members.stream().max(Map.Entry.comparingByValue()).orElseThrow();
            uses.add(new Profile.CpuUse(group, members.size(),
                    members.stream().mapToDouble(Map.Entry::getValue).sum(), busiest.getKey(), busiest.getValue()));
        });
        uses.sort(Comparator.comparingDouble(Profile.CpuUse::cpuSeconds).reversed());
        return uses;
    }

    double total() {
        return byGroup().stream().mapToDouble(Profile.CpuUse::cpuSeconds).sum();
    }

    static String group(String name) {
        return name.replaceAll("\\d+", "*");
    }
}

package dev.wail.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each thread group of a pipeline does, noted from the code path that runs on it (the first role noted for a
 * group stays), plus roles known by name (an emulator's threads, the server's connections), for the report.
 */
final class ThreadRoles {

    private final Map<String, String> roles = new ConcurrentHashMap<>();

    ThreadRoles(Map<String, String> knownByName) {
        roles.putAll(knownByName);
    }

    /** Records that the calling thread's group does {@code role}. */
    void note(String role) {
        roles.putIfAbsent(Usage.group(Thread.currentThread().getName()), role);
    }

    Map<String, String> snapshot() {
        return Map.copyOf(roles);
    }
}

package dev.wail.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An npm package a test needs (an emulator), installed with the machine's npm once per version into
 * {@code ~/.cache/wail/<name>-<version>}: idempotent, and safe when several builds ask at once (a file lock, and an
 * install into a staging folder that is renamed into place only when complete).
 */
final class NpmPackage {

    private NpmPackage() {
    }

    /** Installs {@code name@version} unless it is there, and returns the package's folder. */
    static synchronized Path install(String name, String version) {
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "wail");
        Path home = cache.resolve(name + "-" + version);
        Path packageDir = home.resolve("node_modules").resolve(name);
        Path marker = packageDir.resolve("package.json");
        if (Files.isRegularFile(marker)) {
            return packageDir;
        }
        try {
            Files.createDirectories(cache);
            try (FileChannel channel = FileChannel.open(cache.resolve(home.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock held = channel.lock()) {
                if (!Files.isRegularFile(marker)) {
                    Folders.delete(home);
                    Path staging = Files.createTempDirectory(cache, home.getFileName() + ".staging-");
                    npmInstall(staging, name + "@" + version);
                    Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not install npm package " + name + "@" + version + " into " + home, e);
        }
        return packageDir;
    }

    private static void npmInstall(Path prefix, String spec) throws IOException {
        Process npm = new ProcessBuilder("npm", "install", "--no-save", "--no-audit", "--no-fund",
                "--no-package-lock", "--prefix", prefix.toString(), spec)
                .redirectErrorStream(true)
                .start();
        try (InputStream out = npm.getInputStream()) {
            String output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            if (npm.waitFor() != 0) {
                throw new IOException("npm install " + spec + " failed (is npm on the PATH?):\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while npm installed " + spec, e);
        }
    }
}

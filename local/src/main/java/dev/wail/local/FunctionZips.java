package dev.wail.local;

import dev.wail.embedded.Folders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The deployable function zips, unpacked the way Lambda unpacks them into {@code /var/task}: the very artifacts
 * Terraform uploads, not a build made for the local run.
 */
final class FunctionZips {

    private FunctionZips() {
    }

    /** Unpacks {@code functions/<module>/target/function.zip} into {@code <into>/<module>} and returns that folder. */
    static Path unpack(Path functionsDir, String module, Path into) {
        Path zip = functionsDir.resolve(module).resolve("target").resolve("function.zip");
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException(zip + " is missing: build the functions first (local/run does, or: "
                    + "mvn -B -ntp -pl local -am package -DskipTests), and run from the repository's top folder");
        }
        Path taskRoot = into.resolve(module).toAbsolutePath();
        try {
            Folders.delete(taskRoot);
            Files.createDirectories(taskRoot);
            try (ZipInputStream entries = new ZipInputStream(Files.newInputStream(zip))) {
                ZipEntry entry;
                while ((entry = entries.getNextEntry()) != null) {
                    extract(entries, entry, taskRoot);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + zip, e);
        }
        return taskRoot;
    }

    private static void extract(InputStream entries, ZipEntry entry, Path taskRoot) throws IOException {
        Path target = taskRoot.resolve(entry.getName()).normalize();
        if (!target.startsWith(taskRoot)) {
            throw new IOException("zip entry outside the task root: " + entry.getName());
        }
        if (entry.isDirectory()) {
            Files.createDirectories(target);
        } else {
            Files.createDirectories(target.getParent());
            Files.copy(entries, target);
        }
    }
}

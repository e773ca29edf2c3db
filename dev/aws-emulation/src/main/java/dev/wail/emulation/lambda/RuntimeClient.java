package dev.wail.emulation.lambda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * The AWS Lambda Runtime Interface Client, which the {@code java21} runtime runs a zip with: its jars, and its native
 * library unpacked once for every environment. Left to itself, each environment would unpack the library to the same
 * {@code /tmp} file at start-up (on Lambda every sandbox has its own {@code /tmp}; here they share one), and two
 * environments starting together crash each other.
 *
 * @param classpath folder of the client's jars
 * @param jniLibrary the unpacked native library, passed to each environment
 */
public record RuntimeClient(Path classpath, Path jniLibrary) {

    static final String JNI_PROPERTY = "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    /** Finds the client's jars in {@code classpath} and unpacks the library for this machine into {@code workDir}. */
    public static RuntimeClient prepare(Path classpath, Path workDir) {
        try (var jars = Files.list(classpath)) {
            Path ric = jars.filter(jar -> jar.getFileName().toString()
                    .startsWith("aws-lambda-java-runtime-interface-client")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no Runtime Interface Client jar in " + classpath
                            + ": build with local/run or mvn -B -ntp -pl local -am package -DskipTests"));
            Path library = workDir.resolve("libaws-lambda-jni.so").toAbsolutePath();
            Files.createDirectories(workDir);
            try (JarFile jar = new JarFile(ric.toFile())) {
                ZipEntry entry = jar.getEntry("jni/libaws-lambda-jni.linux-" + architecture() + ".so");
                if (entry == null) {
                    throw new IllegalStateException("the Runtime Interface Client has no native library for "
                            + System.getProperty("os.arch"));
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    Files.copy(in, library, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return new RuntimeClient(classpath.toAbsolutePath(), library);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the Runtime Interface Client from " + classpath, e);
        }
    }

    private static String architecture() {
        String arch = System.getProperty("os.arch");
        return arch.equals("aarch64") || arch.equals("arm64") ? "aarch_64" : "x86_64";
    }
}

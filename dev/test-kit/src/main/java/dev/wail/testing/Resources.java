package dev.wail.testing;

/** Stopping what a test started. */
public final class Resources {

    private Resources() {
    }

    /**
     * Closes each resource that was created (nulls are skipped: a set-up that failed half way), in the order given;
     * the first failure stops the rest and is thrown, naming the resource.
     */
    public static void closeInOrder(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            if (resource != null) {
                try {
                    resource.close();
                } catch (Exception e) {
                    throw new IllegalStateException("could not stop " + resource, e);
                }
            }
        }
    }
}

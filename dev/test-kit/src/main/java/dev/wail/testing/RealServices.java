package dev.wail.testing;

import dev.wail.embedded.EmbeddedDynamoDbServer;
import dev.wail.embedded.EmbeddedKinesisServer;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.EmbeddedSqsServer;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives plain JUnit tests the real services as parameters: {@link EmbeddedPostgresServer}, {@link EmbeddedSqsServer},
 * {@link EmbeddedKinesisServer}, {@link EmbeddedDynamoDbServer}.
 * Each is started on first use, shared by every test of the run, and stopped when the run ends (they live in the root
 * extension store, which closes its {@link AutoCloseable} values).
 *
 * <p>Quarkus tests use {@link RealServicesResource} instead, which hands the same services to the application as
 * configuration.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(RealServices.Extension.class)
public @interface RealServices {

    final class Extension implements ParameterResolver {

        private static final Map<Class<?>, Supplier<AutoCloseable>> SERVICES = Map.of(
                EmbeddedPostgresServer.class, EmbeddedPostgresServer::start,
                EmbeddedSqsServer.class, EmbeddedSqsServer::start,
                EmbeddedKinesisServer.class, EmbeddedKinesisServer::start,
                EmbeddedDynamoDbServer.class, EmbeddedDynamoDbServer::start);

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return SERVICES.containsKey(parameter.getParameter().getType());
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            Class<?> type = parameter.getParameter().getType();
            ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
            return store.computeIfAbsent(type, t -> SERVICES.get(t).get(), AutoCloseable.class);
        }
    }
}

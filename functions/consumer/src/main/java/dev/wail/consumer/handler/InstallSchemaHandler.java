package dev.wail.consumer.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.wail.consumer.postgres.SchemaInstaller;
import jakarta.inject.Named;
import java.util.Map;

/**
 * {@code install-schema}: the deploy-time schema step, in the consumer's zip. The Terraform module deploys the zip a
 * second time with this handler and invokes it once per schema version ({@code infra/consumer_schema.tf}); it
 * installs {@value SchemaInstaller#SCHEMA} in the read-model database (idempotent, safe to run again) and answers
 * {@code {"schema": "wail", "version": N}}. The input is ignored.
 */
@Named("install-schema")
public class InstallSchemaHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private final SchemaInstaller installer;

    public InstallSchemaHandler(SchemaInstaller installer) {
        this.installer = installer;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        installer.install();
        return Map.of("schema", "wail", "version", SchemaInstaller.VERSION);
    }
}

#!/usr/bin/env bash
# The part of the native build that can run without GraalVM, Mandrel or a container engine: Quarkus's native build
# steps for both functions, up to the native-image sources (quarkus.native.sources-only). They fail on what Quarkus
# finds wrong for a native image at build time, and write target/native-sources/ with native-image.args (the
# reflection, resource and class-initialization configuration Quarkus generated) and the jars to compile. No
# executable is built or run here: that is native-build/build.sh, where GraalVM or a container engine exists.
#
# It runs after `mvn verify` (it needs the modules' jars in their target folders) and leaves the JVM build's
# target/function.zip in place: the native build writes into target/native-sources only.
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -ntp -q package -pl functions/producer,functions/consumer -am -DskipTests \
  -Dquarkus.native.enabled=true -Dquarkus.native.sources-only=true \
  -Dquarkus.lambda.mock-event-server.enabled=false

for module in producer consumer; do
  args="functions/$module/target/native-sources/native-image.args"
  [ -s "$args" ] || { echo "missing $args: Quarkus did not write the native-image sources" >&2; exit 1; }
  # What must be in the generated configuration: the function's handlers and the EMF model registered for
  # reflection, and the resources the functions read at run time.
  echo "functions/$module: $(tr ' ' '\n' < "$args" | wc -l) native-image arguments"
done

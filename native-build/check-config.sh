#!/usr/bin/env bash
# The part of the native build that runs without GraalVM, Mandrel or a container engine, for both functions: every
# Quarkus build step of a native build up to the native-image call itself. Those steps fail on what Quarkus rejects
# for a native image at build time, and they write target/*-native-image-source-jar/ with the generated reflection,
# resource and proxy configuration (META-INF/native-image/*.json in the runner jar). The native-image call then fails
# here for lack of a compiler, and only that failure is accepted. (quarkus.native.sources-only is not an option: the
# Lambda extension refuses the native-sources package type.) No executable is built or run: that is
# native-build/build.sh, where GraalVM or a container engine exists.
#
# Runs after `mvn verify` (it needs the modules' jars); the JVM build's target/function.zip is left as it was.
set -uo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT
rm -rf functions/producer/target/*-native-image-source-jar functions/consumer/target/*-native-image-source-jar
# --fail-never: the producer's build fails at the native-image call, and the consumer (whose tests use the producer's
# classes) must still be built.
mvn -B -ntp --fail-never package -pl functions/producer,functions/consumer -am -DskipTests \
  -Dquarkus.native.enabled=true -Dquarkus.native.container-build=false \
  -Dquarkus.lambda.mock-event-server.enabled=false >"$log" 2>&1
other_errors=$(grep -E '\[error\]: Build step' "$log" | grep -v 'NativeImageBuildStep#build threw' || true)
if [ -n "$other_errors" ] || grep -q 'COMPILATION ERROR' "$log"; then
  echo "the native build failed before the native-image call:" >&2
  echo "$other_errors" >&2
  tail -60 "$log" >&2
  exit 1
fi

failed=0
for module in producer consumer; do
  source_jar=$(ls -d functions/$module/target/*-native-image-source-jar 2>/dev/null | head -1)
  if [ -z "$source_jar" ]; then
    echo "functions/$module: no native-image source jar was written" >&2
    failed=1
    continue
  fi
  reflect=$(unzip -p "$source_jar"/*-runner.jar META-INF/native-image/reflect-config.json)
  # What must be registered: the function's handlers and the EMF model the metrics serialize with Jackson.
  for class in "dev.wail.$module.handler." "software.amazon.cloudwatchlogs.emf.model.RootNode"; do
    if ! grep -q "\"$class" <<<"$reflect"; then
      echo "functions/$module: $class is not registered for reflection" >&2
      failed=1
    fi
  done
  echo "functions/$module: native build steps passed up to native-image;" \
    "$(grep -o '"name"' <<<"$reflect" | wc -l) classes registered for reflection, $(ls "$source_jar/lib" | wc -l) jars"
done

if [ "$failed" -ne 0 ]; then
  exit 1
fi
echo "native executables themselves are not built here (no GraalVM, Mandrel or container engine): native-build/build.sh"

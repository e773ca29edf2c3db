#!/usr/bin/env bash
# Builds both functions as native executables for the Lambda runtime provided.al2023 and runs their black-box
# integration tests (the *IT classes) against the binaries. Leaves functions/{producer,consumer}/target/function.zip,
# each holding the executable as `bootstrap`.
#
#   native-build/build.sh               # Mandrel in a builder container (needs Docker or Podman), the default
#   native-build/build.sh local         # a local GraalVM or Mandrel: native-image on the PATH, or GRAALVM_HOME set
#   native-build/build.sh container -DskipITs   # extra arguments go to Maven
#
# The integration tests start the same real services as the JVM tests (embedded PostgreSQL and ElasticMQ, and
# moto_server for the consumer's database secret test, skipped when it is not on the PATH).
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-container}"
[ $# -gt 0 ] && shift

case "$mode" in
  container)
    # Quarkus picks the Mandrel builder image that matches its version; override it with
    # -Dquarkus.native.builder-image=<image> if needed.
    builder=(-Dquarkus.native.container-build=true)
    ;;
  local)
    if ! command -v native-image >/dev/null && [ -z "${GRAALVM_HOME:-}" ]; then
      echo "local mode needs GraalVM or Mandrel: native-image on the PATH or GRAALVM_HOME set" >&2
      exit 1
    fi
    builder=(-Dquarkus.native.container-build=false)
    ;;
  *)
    echo "usage: $0 [container|local] [maven arguments...]" >&2
    exit 2
    ;;
esac

# -Pnative: native executables and the failsafe integration tests against them (see the parent pom).
mvn -B -ntp -Pnative verify -pl functions/producer,functions/consumer -am \
  "${builder[@]}" "$@"

for zip in functions/producer/target/function.zip functions/consumer/target/function.zip; do
  unzip -l "$zip" | grep -q ' bootstrap$' || { echo "$zip has no bootstrap: not a native build" >&2; exit 1; }
  echo "$zip $(du -h "$zip" | cut -f1)"
done

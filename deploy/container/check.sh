#!/usr/bin/env bash
# The container check (.ci/run runs it): builds the image, starts deploy/compose.yaml (Mosquitto
# with the generated configuration and TLS, souffle api, souffle ingest), and checks that the API
# answers /healthz, that a device's reading published over TLS with `mosquitto_pub --cafile` is
# stored, and that the API serves it. No registry is reached: the base image is built from Debian
# packages (base-image.sh) and reused, and Mosquitto's image from Debian's package.
#
# It fails when it cannot run (no Docker daemon, no compose): a check that quietly does nothing
# proves nothing. SOUFFLE_CONTAINER_CHECK=skip skips it with a warning, for machines where Docker
# cannot run at all.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "${SOUFFLE_CONTAINER_CHECK:-}" = "skip" ]; then
  echo "!! container check SKIPPED (SOUFFLE_CONTAINER_CHECK=skip): the image and compose.yaml are untested" >&2
  exit 0
fi
fail() {
  echo "!! container check FAILED: $*" >&2
  exit 1
}
took() { printf '   %s (%ss)\n' "$1" "$SECONDS"; }

docker info >/dev/null 2>&1 || fail "no Docker daemon answers (start dockerd, or set SOUFFLE_CONTAINER_CHECK=skip to skip this check knowingly)"
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null; then
  compose=(docker-compose)
else
  fail "neither 'docker compose' nor 'docker-compose' is installed (apt-get install docker-compose)"
fi
command -v mosquitto_pub >/dev/null || fail "mosquitto_pub is missing (apt-get install mosquitto-clients)"
command -v curl >/dev/null || fail "curl is missing (apt-get install curl)"

major=$(node -p 'process.versions.node.split(".")[0]')
base=souffle-base:bookworm-node$major
bash deploy/container/base-image.sh "$base"
took "base image $base"

# Layers are cached: only what changed since the last run is rebuilt.
build_log=$(mktemp)
docker build --build-arg BASE_IMAGE="$base" -t souffle:check . >"$build_log" 2>&1 || {
  tail -40 "$build_log" >&2
  fail "docker build failed"
}
docker build --build-arg BASE_IMAGE="$base" -t souffle-check-mosquitto \
  -f deploy/container/mosquitto.Dockerfile deploy/container >"$build_log" 2>&1 || {
  tail -40 "$build_log" >&2
  fail "the Mosquitto image did not build"
}
rm -f "$build_log"
took "images built"

# The image runs compiled JavaScript only.
docker run --rm --entrypoint /bin/sh souffle:check -c \
  'test ! -e /app/node_modules/tsx && test ! -e /app/souffle.ts && test "$(id -u)" = 10001' ||
  fail "the image holds tsx or the TypeScript sources, or runs as root"

work=$(mktemp -d)
project=souffle-check-$$
free_port() { node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
export SOUFFLE_IMAGE=souffle:check MOSQUITTO_IMAGE=souffle-check-mosquitto BASE_IMAGE="$base"
export SOUFFLE_TLS_DIR=$work/tls SOUFFLE_ADMIN_TOKEN=check-admin-$$-$RANDOM$RANDOM
export SOUFFLE_MQTT_PASSWORD=check-mqtt-$$-$RANDOM$RANDOM ATMOSUD_ENABLED=false
API_PORT=$(free_port) MQTT_PORT=$(free_port) MQTTS_PORT=$(free_port)
export API_PORT MQTT_PORT MQTTS_PORT
dc() { "${compose[@]}" -p "$project" -f deploy/compose.yaml "$@"; }
cleanup() {
  dc down -v --remove-orphans >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# A test CA and a server certificate for localhost and 127.0.0.1 (the published port).
mkdir -p "$SOUFFLE_TLS_DIR"
(
  cd "$SOUFFLE_TLS_DIR"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=Souffle check CA' -keyout ca-key.pem -out ca.pem
  openssl req -newkey rsa:2048 -nodes -subj '/CN=localhost' -keyout key.pem -out req.pem
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >ext.cnf
  openssl x509 -req -in req.pem -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -extfile ext.cnf -out cert.pem
  chmod 0644 key.pem cert.pem ca.pem # Mosquitto runs as 10001 in its container
) >/dev/null 2>&1 || fail "openssl could not make the test CA"

dc config -q || fail "compose.yaml is not valid"
dc up -d --no-build >"$work/up.log" 2>&1 || {
  cat "$work/up.log" >&2
  dc logs --no-color >&2 || true
  fail "the compose stack did not start"
}
took "compose stack started"

api=http://127.0.0.1:$API_PORT
for _ in $(seq 1 60); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$api/healthz")" = 200 ]; then
    healthy=1
    break
  fi
  sleep 1
done
[ -n "${healthy:-}" ] || {
  dc logs --no-color >&2
  fail "/healthz did not answer 200 within 60 s"
}
took "/healthz answers 200"

# A device registered through the admin API: the API rewrites Mosquitto's files on the shared
# volume; Mosquitto reads them on SIGHUP. A name per attempt: an attempt whose answer was lost
# (a connection reset while the stack settles) may still have registered its device.
device=
for attempt in 1 2 3 4 5; do
  answer=$(curl -s -X POST -H "Authorization: Bearer $SOUFFLE_ADMIN_TOKEN" -H 'Content-Type: application/json' \
    -d "{\"name\":\"Conteneur $attempt\",\"lat\":43.3,\"lon\":5.4}" "$api/api/v1/devices" || true)
  device=$(node -e 'try{const b=JSON.parse(process.argv[1]);if(b.id&&b.token)console.log(b.id,b.token,b.station)}catch{}' "$answer")
  [ -n "$device" ] && break
  sleep 2
done
[ -n "$device" ] || {
  dc logs --no-color souffle-api >&2
  fail "the admin API did not register a device (last answer: ${answer:0:200})"
}
read -r id token station <<<"$device"
echo "   device $id registered"
for _ in $(seq 1 20); do
  dc exec -T mosquitto grep -q "^$id:" /mosquitto/souffle/passwd && break
  sleep 0.5
done
dc kill -s HUP mosquitto >/dev/null 2>&1
sleep 1

published=
for _ in $(seq 1 10); do
  if mosquitto_pub --cafile "$SOUFFLE_TLS_DIR/ca.pem" -h 127.0.0.1 -p "$MQTTS_PORT" -u "$id" -P "$token" \
    -i "$id" -q 1 -t "souffle/v1/$id/readings" -m '{"values":{"pm25":12.5}}' 2>"$work/pub.err"; then
    published=1
    break
  fi
  sleep 1
done
[ -n "$published" ] || {
  cat "$work/pub.err" >&2
  dc logs --no-color mosquitto >&2
  fail "mosquitto_pub over TLS was refused"
}
took "reading published over TLS"

for _ in $(seq 1 30); do
  if curl -s "$api/api/v1/stations/$station/latest" | grep -q '[^0-9.]12\.5[^0-9]'; then
    served=1
    break
  fi
  sleep 1
done
[ -n "${served:-}" ] || {
  dc logs --no-color souffle-ingest >&2
  fail "the reading was not served by /api/v1/stations/$station/latest within 30 s"
}
took "the API serves the reading"
echo "container check passed in ${SECONDS}s"

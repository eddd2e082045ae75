# Mosquitto from Debian's package, for the container check (deploy/container/check.sh) on machines
# that cannot pull eclipse-mosquitto, the image compose.yaml uses by default. Same base as Souffle's.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends mosquitto \
 && rm -rf /var/lib/apt/lists/*

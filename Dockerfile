# Souffle's container image: `souffle start`, `souffle api`, `souffle ingest` or any other command
# (docs/operations.md, "Containers"). Two stages: the first installs every dependency and builds
# the widgets (dist/web) and the compiled server (dist/node); the second holds only production
# dependencies and the build, and runs as an unprivileged user. The compiled server runs with
# plain Node.js: tsx (which runs the TypeScript sources in development) is not in the image.
#
# BASE_IMAGE: any Debian bookworm image with Node.js >= 20 in /usr/local/bin. The official
# node:20-bookworm-slim by default. Where no registry can be reached, build one from Debian's own
# packages with deploy/container/base-image.sh (debootstrap, plus the machine's Node.js) and pass
# it: docker build --build-arg BASE_IMAGE=souffle-base:bookworm-node20 .
ARG BASE_IMAGE=node:20-bookworm-slim

FROM ${BASE_IMAGE} AS build
# better-sqlite3 is a native module: npm fetches a prebuilt binary when it can reach GitHub, and
# compiles it otherwise, with these.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/tsx node_modules/esbuild node_modules/@esbuild

FROM ${BASE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    SOUFFLE_DB=/data/souffle.db \
    SOUFFLE_INGEST_METRICS_HOST=0.0.0.0
WORKDIR /app
# No sources: bin/souffle.mjs then always runs the compiled build (bin/node-build.mjs).
COPY --from=build /src/package.json ./
COPY --from=build /src/bin ./bin
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# A fixed numeric user, so that volumes can be prepared for it (chown 10001) on any host. A new
# named volume takes the owner of the folder it is mounted on: /data for the database, and
# /mosquitto/souffle for the Mosquitto files that deploy/compose.yaml shares with the broker.
RUN mkdir -p /data /mosquitto/souffle \
 && chown 10001:10001 /data /mosquitto/souffle \
 && ln -s /app/bin/souffle.mjs /usr/local/bin/souffle
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8080 1883 8883
# Node.js's own fetch: the slim images have no curl. The ingest service overrides it (compose).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/souffle.mjs"]
CMD ["start"]

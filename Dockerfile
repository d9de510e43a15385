# custsync worker image.
#   build stage:   all dependencies, TypeScript compiled to dist/
#   runtime stage: production dependencies and dist/ only; `custsync worker` by default.

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
ENV NODE_ENV=production \
    CUSTSYNC_CONFIG=/app/custsync.config.yaml
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
USER node
# bin/custsync.js runs dist/ when tsx (a dev dependency) is absent.
ENTRYPOINT ["node", "bin/custsync.js"]
CMD ["worker"]

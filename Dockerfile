# Scale-mode image: run several of these against PostgreSQL + Redis (see docker-compose.yml).
# syntax=docker/dockerfile:1
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV PRISMA_HIDE_UPDATE_MESSAGE=1 CHECKPOINT_DISABLE=1
COPY package.json package-lock.json ./
# The postinstall steps need the sources; they run below once everything is copied.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npx prisma generate --no-hints && npx tsx intents/cli.ts build && node scripts/build.mjs && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/app/data \
    PRISMA_HIDE_UPDATE_MESSAGE=1 CHECKPOINT_DISABLE=1
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The service bundled at build time (dist/kuaidi-desk.cjs) and run through V8's code cache: no
# TypeScript loader, no per-file module loading at start-up (issue 20).
CMD ["node", "scripts/run-bundle.cjs"]

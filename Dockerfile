# ICMap in a container: production packages only, compiled at build time, run as the unprivileged
# `node` user. The database lives in the /app/data volume; backups go to /backups (see compose.yaml).
FROM node:24-bookworm-slim

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_PATH=/app/data/icmap.sqlite \
    MAPS_DIR=/app/maps

WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY server ./server
COPY migrations ./migrations
COPY views ./views
COPY static ./static
COPY scripts/backup-rotate.sh ./scripts/
# The maps sit outside the data volume, so mounting a volume never hides them.
COPY data/maps ./maps
# npm ci compiles the server into dist/ (the prepare step) with production packages only.
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && mkdir -p /app/data /backups \
 && chown node:node /app/data /backups

USER node
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself, not npm: it receives SIGTERM and shuts down gracefully.
CMD ["node", "--max-semi-space-size=8", "dist/server/server.js"]

# The marketplace server: one image for every role (api, worker, smtp, or all in one process).
#   podman build -t marketplace:latest .        (or docker build)
#   podman run --rm -p 8000:8000 marketplace:latest serve --role all
# deploy/README.md has the Compose, Kubernetes and systemd set-ups built on it.
ARG NODE_IMAGE=docker.io/library/node:20-bookworm-slim

# --- build: every dependency, then the JavaScript build, then the development ones removed -------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first, so the dependency layer is rebuilt only when one of them changes.
COPY package.json package-lock.json .npmrc ./
COPY apps/agent/package.json apps/agent/
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/
COPY packages/db/package.json packages/db/
COPY packages/generators/package.json packages/generators/
COPY packages/llm/package.json packages/llm/
COPY packages/mail/package.json packages/mail/
COPY packages/release/package.json packages/release/
COPY packages/spec/package.json packages/spec/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- runtime: the built tree, a non-root user, no compilers ----------------------------------------
FROM ${NODE_IMAGE} AS runtime
# tini reaps the validation sandbox's processes and passes SIGTERM on to the server; git and
# openssh-client (ssh-keygen, ssh) make, serve and push the Git export's signed commits and tags.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini git openssh-client \
 && rm -rf /var/lib/apt/lists/*
# V8's young generation at most 2 × 8 MB (node's default 2 × 16 MB, which start-up fills and keeps):
# ≈ 16 MB less idle memory for ≈ 5–8 % more CPU at start and per processed mail (decision 0073; .env.example).
ENV NODE_OPTIONS=--max-semi-space-size=8
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    SMTP_LISTEN_PORT=2525 \
    DATA_DIR=/var/lib/marketplace
WORKDIR /app
COPY --from=build --chown=root:root /app /app
# The image's own unprivileged user (uid 1000); it owns only the data directory.
RUN mkdir -p /var/lib/marketplace && chown node:node /var/lib/marketplace
USER node
VOLUME ["/var/lib/marketplace"]
EXPOSE 8000 2525
# No HEALTHCHECK: what is healthy depends on the role (HTTP /readyz for api and all, the SMTP port
# for smtp, a database check for worker). deploy/compose.yaml and deploy/kubernetes/ set one per role.
ENTRYPOINT ["/usr/bin/tini", "--", "/app/node_modules/.bin/marketplace"]
CMD ["serve", "--role", "all"]

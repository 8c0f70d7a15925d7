# One image for every service; docker-compose.yml picks the entry point per service.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY lib ./lib
COPY subgraphs ./subgraphs
COPY gateway ./gateway
COPY all-in-one ./all-in-one
COPY scripts ./scripts
COPY schema ./schema
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
# A young generation big enough for a request's objects to die young: a nested list of a
# thousand organizations spent a quarter of its CPU in garbage collection with the default.
ENV NODE_ENV=production HOST=0.0.0.0 NODE_OPTIONS=--max-semi-space-size=32
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 4000 4001 4002 4003
CMD ["node", "dist/gateway/main.js"]

FROM node:22-alpine@sha256:b64ced2e7cd0a4816699fe308ce6e8a08ccba463c757c00c14cd372e3d2c763e
RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
USER 10001
HEALTHCHECK CMD ["/app", "health"]
CMD ["/app"]

FROM debian:12-slim@sha256:ca3372ce30b03a591ec573ea975ad8b0ecaf0eb17a354416741f8001bbcae33d
RUN curl -fsS -o /tmp/tool https://example.com/tool
ENV NODE_TLS_REJECT_UNAUTHORIZED=1
USER 10001
HEALTHCHECK CMD ["/app", "health"]
CMD ["/app"]

# want: 3,4,5
FROM debian:12-slim@sha256:ca3372ce30b03a591ec573ea975ad8b0ecaf0eb17a354416741f8001bbcae33d
RUN curl -sk -o /tmp/tool https://example.com/tool
ENV NODE_TLS_REJECT_UNAUTHORIZED=0
RUN pip install --trusted-host pypi.example.com flask==3.1.0
USER 10001
HEALTHCHECK CMD ["/app", "health"]
CMD ["/app"]

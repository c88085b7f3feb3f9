# want: 3,4,5
FROM debian:12-slim@sha256:ca3372ce30b03a591ec573ea975ad8b0ecaf0eb17a354416741f8001bbcae33d
RUN apt-get update && apt-get install -y --allow-unauthenticated --no-install-recommends tool=1.0 && rm -rf /var/lib/apt/lists/*
RUN apk add --allow-untrusted --no-cache /tmp/tool.apk
RUN echo "deb [trusted=yes] http://repo.example.com stable main" > /etc/apt/sources.list.d/x.list
USER 10001
HEALTHCHECK CMD ["/app", "health"]
CMD ["/app"]

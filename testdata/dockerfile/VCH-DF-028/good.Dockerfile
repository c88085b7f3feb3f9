FROM debian:12-slim@sha256:ca3372ce30b03a591ec573ea975ad8b0ecaf0eb17a354416741f8001bbcae33d
RUN apt-get update && apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confold curl=7.88.1-10+deb12u8 ./local.deb && rm -rf /var/lib/apt/lists/*
USER 10001
HEALTHCHECK CMD ["/app", "health"]
CMD ["/app"]

# want: 3,4,5
FROM debian:12-slim@sha256:ca3372ce30b03a591ec573ea975ad8b0ecaf0eb17a354416741f8001bbcae33d
RUN curl -fsSL https://example.com/install.sh | sh
RUN wget -qO- https://example.com/install.sh | sudo -E bash -s -- --yes
RUN bash -c "$(curl -fsSL https://example.com/install.sh)"
USER 10001
HEALTHCHECK CMD ["/app", "health"]
CMD ["/app"]

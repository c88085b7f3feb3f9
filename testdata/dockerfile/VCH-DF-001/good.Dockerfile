# The root step is followed by USER app; the builder's root does not count.
FROM alpine:3.20@sha256:1e42bbe2508154c9126d48c2b8a75420c3544343bf86fd041fb7527e017a4b4a AS build
USER root
RUN echo build

FROM alpine:3.20@sha256:1e42bbe2508154c9126d48c2b8a75420c3544343bf86fd041fb7527e017a4b4a
USER 0:0
RUN adduser -D app
USER app:app
HEALTHCHECK CMD ["/app", "health"]
CMD ["/app"]

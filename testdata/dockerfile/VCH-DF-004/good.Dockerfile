# Stage names, scratch and an ARG with a pinned default pass.
ARG BASE=alpine:3.20@sha256:1e42bbe2508154c9126d48c2b8a75420c3544343bf86fd041fb7527e017a4b4a
FROM $BASE AS build
FROM build AS test
FROM scratch AS empty
FROM test
USER 10001
HEALTHCHECK CMD ["/app", "health"]
CMD ["/app"]

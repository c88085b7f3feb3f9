# want: 12
# An earlier stage's user does not count; a later USER root does.
ARG RUNAS=root
FROM alpine:3.20@sha256:1e42bbe2508154c9126d48c2b8a75420c3544343bf86fd041fb7527e017a4b4a AS build
USER nobody
RUN echo build

FROM build
RUN adduser -D app
USER app
ARG RUNAS
USER ${RUNAS}
HEALTHCHECK CMD ["/app", "health"]
CMD ["/app"]

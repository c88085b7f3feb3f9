# want: 3,4
FROM alpine:3.20@sha256:1e42bbe2508154c9126d48c2b8a75420c3544343bf86fd041fb7527e017a4b4a
COPY --from=busybox:1.37 /bin/busybox /bin/busybox
RUN --mount=from=golang:1.23,target=/go cp /go/bin/go /usr/local/bin/
USER 10001
HEALTHCHECK CMD ["/app", "health"]
CMD ["/app"]

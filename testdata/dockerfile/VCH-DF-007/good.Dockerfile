FROM busybox:1.37@sha256:2919d0172f7524b2d8df9e50066a682669e6d170ac0f6a49676d54358fe970b5 AS tools
FROM alpine:3.20@sha256:1e42bbe2508154c9126d48c2b8a75420c3544343bf86fd041fb7527e017a4b4a AS build
COPY --from=tools /bin/busybox /bin/busybox
FROM alpine:3.20@sha256:1e42bbe2508154c9126d48c2b8a75420c3544343bf86fd041fb7527e017a4b4a
COPY --from=build /bin/busybox /bin/busybox
COPY --from=0 /bin/busybox /bin/busybox2
USER 10001
HEALTHCHECK CMD ["/app", "health"]
CMD ["/app"]

FROM alpine:3.20@sha256:1e42bbe2508154c9126d48c2b8a75420c3544343bf86fd041fb7527e017a4b4a
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tar.gz /opt/
ADD https://github.com/example/repo.git#0123456789abcdef0123456789abcdef01234567 /src
USER 10001
HEALTHCHECK CMD ["/app", "health"]
CMD ["/app"]

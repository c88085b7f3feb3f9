# want: 3,4
FROM alpine:3.20@sha256:1e42bbe2508154c9126d48c2b8a75420c3544343bf86fd041fb7527e017a4b4a
ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
RUN wget -q https://deploy:s3cr3tpass@git.example.com/app.tar.gz
USER 10001
HEALTHCHECK CMD ["/app", "health"]
CMD ["/app"]

# want: 3,4,5
FROM alpine:3.20@sha256:1e42bbe2508154c9126d48c2b8a75420c3544343bf86fd041fb7527e017a4b4a
RUN chmod -R 777 /app
RUN mkdir /data && chmod o+w /data
COPY --chmod=666 app /app
USER 10001
HEALTHCHECK CMD ["/app", "health"]
CMD ["/app"]

FROM alpine:3.20@sha256:1e42bbe2508154c9126d48c2b8a75420c3544343bf86fd041fb7527e017a4b4a AS build
RUN echo build > /out
FROM alpine:3.20@sha256:1e42bbe2508154c9126d48c2b8a75420c3544343bf86fd041fb7527e017a4b4a
COPY --from=build /out /out
COPY .env.example /app/
COPY ca-bundle.pem /etc/ssl/certs/
COPY app.py /app/
USER 10001
HEALTHCHECK CMD ["/app", "health"]
CMD ["/app"]

# want: 2
FROM node:latest
USER 10001
HEALTHCHECK CMD ["/app", "health"]
CMD ["/app"]

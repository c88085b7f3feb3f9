# want: 3,5
ARG IMG=debian
FROM alpine AS build
RUN echo build
FROM ${IMG}
USER 10001
HEALTHCHECK CMD ["/app", "health"]
CMD ["/app"]

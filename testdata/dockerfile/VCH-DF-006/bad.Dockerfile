# want: 3
ARG PY=3.12
FROM python:${PY}-slim
USER 10001
HEALTHCHECK CMD ["/app", "health"]
CMD ["/app"]

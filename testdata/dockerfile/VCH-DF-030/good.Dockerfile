FROM python:3.12-slim@sha256:2f7e6e8d3b7c1d1f9e4c6f0d8b8e3e0a6f2e4f1d0c9b8a7f6e5d4c3b2a1f0e9d
COPY requirements.txt .
RUN pip install --no-cache-dir --require-hashes -r requirements.txt && pip install flask==3.1.0
USER 10001
HEALTHCHECK CMD ["/app", "health"]
CMD ["/app"]

# Build: the PostgreSQL client library and OpenSSL are compiled from source by cargo.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/aduan --create-home aduan
COPY --from=build /src/target/release/aduan /usr/local/bin/aduan
USER aduan
WORKDIR /var/lib/aduan
ENV ADUAN_BIND=0.0.0.0:8080 \
    ADUAN_DATA_DIR=/var/lib/aduan/data \
    ADUAN_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["aduan"]
CMD ["serve"]

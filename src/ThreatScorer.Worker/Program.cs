using Microsoft.Extensions.Hosting;
using ThreatScorer.Worker;

using var host = ThreatScorerHost.CreateBuilder(args).Build();
await host.RunAsync();

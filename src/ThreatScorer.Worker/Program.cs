using Microsoft.Extensions.Hosting;
using ThreatScorer.Worker;

using var host = ThreatScorerHost.CreateBuilder(args).Build();
return await ThreatScorerHost.RunAsync(host);

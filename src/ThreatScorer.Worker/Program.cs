using Microsoft.Extensions.Hosting;
using ThreatScorer.Worker;
using ThreatScorer.Worker.Operations;

if (args is [HealthProbe.Verb, .. var probeArgs])
{
    return await HealthProbe.RunAsync(probeArgs, Console.Out);
}

using var host = ThreatScorerHost.CreateBuilder(args).Build();
return await ThreatScorerHost.RunAsync(host);

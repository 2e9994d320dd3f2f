using Npgsql;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ThreatScorer.Tests.TestSupport;

/// <summary>
/// The PostgreSQL server the tests use: a real one, started by scripts/test.sh (Debian's postgresql, a throwaway
/// cluster on 127.0.0.1) which exports its admin connection string as THREATSCORER_TEST_POSTGRES. Each test class
/// gets its own database, dropped afterwards.
/// </summary>
public static class PostgresTestServer
{
    public const string Variable = "THREATSCORER_TEST_POSTGRES";

    /// <summary>Connection string to the server's maintenance database; null when no server was started.</summary>
    public static string? AdminConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>Commands to stop and start the server (set by scripts/test.sh), for the outage proof.</summary>
    public static string? ControlScript => Environment.GetEnvironmentVariable("THREATSCORER_TEST_POSTGRES_CTL") is { Length: > 0 } value ? value : null;

    public static string SkipReason =>
        $"needs PostgreSQL ({Variable} is not set; scripts/test.sh installs and starts a throwaway server); skipped.";
}

/// <summary>A database of its own on the test server, created now and dropped on dispose.</summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    private PostgresTestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var admin = PostgresTestServer.AdminConnectionString
            ?? throw new InvalidOperationException(PostgresTestServer.SkipReason);
        var name = $"ts_{Guid.NewGuid():N}"[..20];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new PostgresTestDatabase(name, builder.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(PostgresTestServer.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE);", connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A fact that needs the PostgreSQL test server; skipped with a clear message without one.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresTestServer.AdminConnectionString is null)
        {
            Skip = PostgresTestServer.SkipReason;
        }
    }

    /// <summary>The test stops and starts the server (needs THREATSCORER_TEST_POSTGRES_CTL, set by scripts/test.sh).</summary>
    public bool NeedsServerControl
    {
        get => field;
        set
        {
            field = value;
            if (value && Skip is null && PostgresTestServer.ControlScript is null)
            {
                Skip = "needs THREATSCORER_TEST_POSTGRES_CTL (the script that stops and starts the test server; scripts/test.sh sets it); skipped.";
            }
        }
    }
}

/// <summary>Marks a test class whose every <see cref="StoreFactAttribute"/> test needs the PostgreSQL test server.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresPostgresAttribute : Attribute;

/// <summary>
/// A fact in a store contract (an abstract class run once per store): skipped with a clear message in the
/// PostgreSQL subclass when no server is running, run everywhere else.
/// </summary>
[XunitTestCaseDiscoverer("ThreatScorer.Tests.TestSupport.StoreFactDiscoverer", "ThreatScorer.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        ArgumentNullException.ThrowIfNull(discoveryOptions);
        yield return new StoreTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
            discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
    }
}

public sealed class StoreTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public StoreTestCase()
    {
    }

    public StoreTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method)
        : base(sink, display, options, method)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute)
    {
        var needsPostgres = TestMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any();
        return needsPostgres && PostgresTestServer.AdminConnectionString is null
            ? PostgresTestServer.SkipReason
            : base.GetSkipReason(factAttribute);
    }
}

/// <summary>Every test class that uses the PostgreSQL server runs in this collection: one at a time (the outage proof stops the server).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresTests
{
    public const string Name = "postgres";
}

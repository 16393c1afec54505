using System.Reflection;
using Lyceum.Platform.Data;
using Xunit.Sdk;

namespace Lyceum.IntegrationTests.Infrastructure;

/// <summary>Runs a theory once per database provider: every integration test runs on SQLite and on PostgreSQL.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AllProvidersAttribute : DataAttribute
{
    /// <summary>Every provider, for theories whose data adds other columns (build TheoryData over this).</summary>
    public static readonly DatabaseProvider[] Providers = [DatabaseProvider.Sqlite, DatabaseProvider.PostgreSql];

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => Providers.Select(p => new object[] { p });
}

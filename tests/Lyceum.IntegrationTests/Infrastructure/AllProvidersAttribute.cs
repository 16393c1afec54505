using System.Reflection;
using Lyceum.Platform.Data;
using Xunit.Sdk;

namespace Lyceum.IntegrationTests.Infrastructure;

/// <summary>Runs a theory once per database provider: every integration test runs on SQLite and on PostgreSQL.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AllProvidersAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) =>
        [[DatabaseProvider.Sqlite], [DatabaseProvider.PostgreSql]];
}

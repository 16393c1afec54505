using Lyceum.Modules.Behaviour.Demo;
using Lyceum.Modules.Behaviour.Detentions;
using Lyceum.Modules.Behaviour.Incidents;
using Lyceum.Modules.Behaviour.Ledger;
using Lyceum.Modules.Behaviour.Rules;
using Lyceum.Platform.Access;
using Lyceum.Platform.Demo;
using Lyceum.Platform.Records;
using Lyceum.Platform.Startup;

namespace Lyceum.Modules.Behaviour;

/// <summary>
/// Behaviour incidents (several students each), the points ledger, school-configurable incident types and rules, and
/// detentions with the supervisor's list. Writes domain events (incident, alert, detention scheduled) to the outbox.
/// </summary>
public static class BehaviourModule
{
    private static readonly BehaviourTypeKind Types = new();
    private static readonly BehaviourRuleKind Rules = new();

    public static IServiceCollection AddBehaviourModule(this IServiceCollection services) =>
        services
            .AddStartupTask<EnsureBehaviourTypes>()
            .AddSingleton<ScopeRules<BehaviourType>, BehaviourPolicyScopes<BehaviourType>>()
            .AddSingleton<ScopeRules<BehaviourRule>, BehaviourPolicyScopes<BehaviourRule>>()
            .AddRecordKind(Types)
            .AddRecordKind(Rules)
            .AddSingleton<BehaviourRulesEngine>()
            .AddScoped<IncidentsHandler>()
            .AddScoped<StudentLedgerHandler>()
            .AddScoped<DetentionsHandler>()
            .AddSingleton<IDemoContributor, BehaviourDemo>();

    public static IEndpointRouteBuilder MapBehaviourEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapRecords(Types);
        api.MapRecords(Rules);
        return api.MapIncidents().MapStudentLedger().MapDetentions();
    }
}

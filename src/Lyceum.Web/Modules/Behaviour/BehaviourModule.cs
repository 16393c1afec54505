using Lyceum.Platform.Startup;

namespace Lyceum.Modules.Behaviour;

/// <summary>
/// Behaviour incidents (several students each), the points ledger, school-configurable incident types and rules, and
/// detentions with the supervisor's list. Writes domain events (incident, alert, detention scheduled) to the outbox.
/// </summary>
public static class BehaviourModule
{
    public static IServiceCollection AddBehaviourModule(this IServiceCollection services) =>
        services.AddStartupTask<EnsureBehaviourTypes>();

    public static IEndpointRouteBuilder MapBehaviourEndpoints(this IEndpointRouteBuilder api) => api;
}

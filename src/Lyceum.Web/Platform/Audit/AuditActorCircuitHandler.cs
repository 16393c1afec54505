using Lyceum.Platform.Access;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Lyceum.Platform.Audit;

/// <summary>
/// Interactive pages run their events on a circuit, not through the request pipeline: each inbound event runs with
/// the circuit's signed-in account as the <see cref="AuditActor"/>, so a change made from a page is attributed too.
/// </summary>
internal sealed class AuditActorCircuitHandler(AuthenticationStateProvider authentication) : CircuitHandler
{
    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            var user = (await authentication.GetAuthenticationStateAsync()).User;
            var actor = AccountClaims.UserId(user) is { } id
                ? new AuditActor(id, AccountClaims.Label(user, id))
                : new AuditActor(null, "anonymous");
            using (AuditActor.Begin(actor))
            {
                await next(context);
            }
        };
}

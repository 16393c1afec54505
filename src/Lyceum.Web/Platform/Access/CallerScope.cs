using System.Security.Claims;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Lyceum.Platform.Access;

/// <summary>
/// The caller, read at most once per unit of work: one HTTP request (a page's prerendering included: the permission
/// policy, the route view's check, the layout's menu and the page itself share one read) or one inbound event of an
/// interactive circuit. A circuit lives for hours, so <see cref="CallerScopeCircuitHandler"/> empties its cache at
/// every inbound event: a grant removed between two clicks no longer counts on the second.
/// </summary>
public sealed class CallerScope(AccessService access)
{
    private Guid? _userId;
    private Task<Caller>? _caller;

    public Task<Caller> CallerAsync(ClaimsPrincipal principal)
    {
        var id = AccountClaims.UserId(principal);
        if (_caller is null || id != _userId || _caller.IsFaulted || _caller.IsCanceled)
        {
            _userId = id;
            _caller = access.CallerAsync(principal, CancellationToken.None);
        }

        return _caller;
    }

    /// <summary>Forgets the caller: the next question reads the grants again.</summary>
    public void Clear()
    {
        _userId = null;
        _caller = null;
    }
}

/// <summary>Empties the circuit's <see cref="CallerScope"/> before each inbound event.</summary>
internal sealed class CallerScopeCircuitHandler(CallerScope scope) : CircuitHandler
{
    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        context =>
        {
            scope.Clear();
            return next(context);
        };
}

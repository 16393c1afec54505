using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Lyceum.Modules.Attendance.ListRegisters;

/// <summary>
/// Whether this circuit's browser is connected. A closed tab's circuit is kept a few minutes in case it reconnects;
/// the registers list asks this before each refresh, so a page nobody is looking at costs no queries.
/// </summary>
public sealed class CircuitConnection : CircuitHandler
{
    public bool Up { get; private set; } = true;

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Up = true;
        return Task.CompletedTask;
    }

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Up = false;
        return Task.CompletedTask;
    }
}

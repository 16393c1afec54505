namespace Lyceum.Platform.Audit;

/// <summary>
/// Who is making changes on this async flow: set by the request pipeline after authentication, by command-line
/// commands and startup tasks, and (later) by Blazor circuits and background jobs. An ambient value rather than a
/// service so that every path that saves through the DbContext is attributed, however the context was created.
/// </summary>
public sealed record AuditActor(Guid? UserId, string Name, string? CorrelationId = null)
{
    private static readonly AsyncLocal<AuditActor?> Ambient = new();

    /// <summary>Changes nobody started: migrations, seeding without a named actor.</summary>
    public static readonly AuditActor System = new(null, "system");

    public static AuditActor Current => Ambient.Value ?? System;

    /// <summary>Makes <paramref name="actor"/> current until the returned scope is disposed.</summary>
    public static IDisposable Begin(AuditActor actor)
    {
        var previous = Ambient.Value;
        Ambient.Value = actor;
        return new Restore(previous);
    }

    private sealed class Restore(AuditActor? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}

/// <summary>Marks an entity whose rows are session state rather than records (refresh tokens), left out of the trail.</summary>
public interface IUnaudited;

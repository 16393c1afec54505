namespace Lyceum.Modules.Messaging.Dispatch;

/// <summary><c>Lyceum:Messaging:*</c>: how the outbox dispatcher runs on this node.</summary>
public sealed class MessagingSettings
{
    public const string Section = "Lyceum:Messaging";

    /// <summary>Whether this node sends at all; several nodes may, each delivery goes out from one of them.</summary>
    public bool Dispatch { get; set; } = true;

    /// <summary>How often the outbox is looked at for events written on other nodes (this node's wake it at once).</summary>
    public double PollSeconds { get; set; } = 2;

    /// <summary>Deliveries leased and sent per round.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Tries before a delivery moves to the dead-letter list.</summary>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>The wait after the first failure; it doubles with each further one, up to <see cref="RetryMaxSeconds"/>.</summary>
    public double RetryBaseSeconds { get; set; } = 30;

    public double RetryMaxSeconds { get; set; } = 3600;

    /// <summary>How long a node holds the deliveries it is sending; if it dies, another takes them after this.</summary>
    public double LeaseSeconds { get; set; } = 120;
}

/// <summary>
/// A send that failed: <see cref="Permanent"/> when trying again cannot help (the address was refused);
/// <see cref="ConnectionLost"/> when the channel itself went away, so the rest of the round would fail the same way.
/// </summary>
public sealed class DeliveryException(string message, bool permanent = false, Exception? inner = null, bool connectionLost = false) : Exception(message, inner)
{
    public bool Permanent { get; } = permanent;

    public bool ConnectionLost { get; } = connectionLost;
}

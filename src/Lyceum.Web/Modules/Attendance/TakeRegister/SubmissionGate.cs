using Lyceum.Platform.Data;

namespace Lyceum.Modules.Attendance.TakeRegister;

/// <summary>
/// How many register submissions work on the database at once (see <see cref="DatabaseGate"/>). At 08:40 every
/// teacher of a district submits within minutes: on the 2-core benchmark machine 64 at once gave two thirds of what 16
/// gave, and an open-loop burst above that collapsed to 128 registers/s with multi-second waits.
/// Per app node: <c>Lyceum:Attendance:ConcurrentSubmissions</c> (default 4 per processor, at least 4) and
/// <c>Lyceum:Attendance:SubmissionQueue</c> (default 2,000).
/// </summary>
public sealed class SubmissionGate(IConfiguration configuration)
    : DatabaseGate(configuration, "Lyceum:Attendance:ConcurrentSubmissions", "Lyceum:Attendance:SubmissionQueue");

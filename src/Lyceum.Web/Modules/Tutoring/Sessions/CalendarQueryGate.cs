using Lyceum.Platform.Data;

namespace Lyceum.Modules.Tutoring.Sessions;

/// <summary>
/// How many calendar week queries work on the database at once (see <see cref="DatabaseGate"/>): at 500 week queries
/// a second on 2 cores, left to the connection pool, a moment's slowness grew to 100 busy backends and the load
/// collapsed to ~35 answers a second. Per app node: <c>Lyceum:Tutoring:ConcurrentWeekQueries</c> (default 4 per
/// processor, at least 4) and <c>Lyceum:Tutoring:WeekQueryQueue</c> (default 2,000).
/// </summary>
public sealed class CalendarQueryGate(IConfiguration configuration)
    : DatabaseGate(configuration, "Lyceum:Tutoring:ConcurrentWeekQueries", "Lyceum:Tutoring:WeekQueryQueue");

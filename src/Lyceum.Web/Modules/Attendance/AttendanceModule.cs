using Lyceum.Platform.Startup;

namespace Lyceum.Modules.Attendance;

/// <summary>
/// Attendance codes (data), the registration mode per year group with form tutors, registers per section meeting or
/// daily AM/PM per form, their submission and amendment, the missing-registers view and the summaries. Writes an
/// outbox event (and the guardians' notifications) for each unexplained absence.
/// </summary>
public static class AttendanceModule
{
    public static IServiceCollection AddAttendanceModule(this IServiceCollection services) =>
        services.AddStartupTask<EnsureAttendanceCodes>();

    public static IEndpointRouteBuilder MapAttendanceEndpoints(this IEndpointRouteBuilder api) => api;
}

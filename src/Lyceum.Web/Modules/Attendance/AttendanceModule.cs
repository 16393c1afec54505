using Lyceum.Modules.Attendance.Absences;
using Lyceum.Modules.Attendance.Codes;
using Lyceum.Modules.Attendance.Demo;
using Lyceum.Modules.Attendance.ListRegisters;
using Lyceum.Modules.Attendance.Settings;
using Lyceum.Modules.Attendance.Summaries;
using Lyceum.Modules.Attendance.TakeRegister;
using Lyceum.Modules.Schools;
using Lyceum.Platform.Access;
using Lyceum.Platform.Demo;
using Lyceum.Platform.Records;
using Lyceum.Platform.Startup;

namespace Lyceum.Modules.Attendance;

/// <summary>
/// Attendance codes (data), the registration mode per year group with form tutors, registers per section meeting or
/// daily AM/PM per form, their submission and amendment, the missing-registers view and the summaries. Writes an
/// outbox event (and the guardians' notifications) for each unexplained absence and late arrival, once per student and day.
/// </summary>
public static class AttendanceModule
{
    private static readonly AttendanceCodeKind Codes = new();

    public static IServiceCollection AddAttendanceModule(this IServiceCollection services) =>
        services
            .AddSingleton<ScopeRules<AttendanceCode>, SchoolOwnedScopes<AttendanceCode>>()
            .AddRecordKind(Codes)
            .AddScoped<RegisterOccasions>()
            .AddSingleton<SubmissionGate>()
            .AddScoped<TakeRegisterHandler>()
            .AddScoped<ListRegistersHandler>()
            .AddScoped<RegisterSchools>()
            .AddScoped<CircuitConnection>()
            .AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(provider => provider.GetRequiredService<CircuitConnection>())
            .AddScoped<AttendanceSummariesHandler>()
            .AddScoped<RegistrationSettingsHandler>()
            .AddScoped<AbsencesHandler>()
            .AddStartupTask<EnsureAttendanceCodes>()
            .AddSingleton<IDemoContributor, AttendanceDemo>();

    public static IEndpointRouteBuilder MapAttendanceEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapRecords(Codes);
        return api.MapTakeRegister().MapListRegisters().MapAttendanceSummaries().MapRegistrationSettings().MapAbsences();
    }
}

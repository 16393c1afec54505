using Lyceum.Modules.Academics;
using Lyceum.Modules.Attendance;
using Lyceum.Modules.Behaviour;
using Lyceum.Modules.Gradebook;
using Lyceum.Modules.Identity;
using Lyceum.Modules.Messaging;
using Lyceum.Modules.Schools;
using Lyceum.Modules.Staff;
using Lyceum.Modules.Students;
using Lyceum.Modules.Tutoring;
using Lyceum.Modules.Tutoring.Finance;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Audit;
using Lyceum.Platform.Cli;
using Lyceum.Platform.Data;
using Lyceum.Platform.Demo;
using Lyceum.Platform.Observability;
using Lyceum.Platform.Startup;
using Lyceum.Platform.Ui;

var (command, hostArgs) = CliCommand.Parse(args);
// Settings files are read from the app's own folder, whatever directory it is started from; data/ is relative to the latter.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = hostArgs, ContentRootPath = AppContext.BaseDirectory });

builder.AddLyceumData();
builder.AddLyceumAccess();
builder.AddLyceumApi();
builder.AddLyceumObservability();
builder.AddLyceumUi();

// Startup steps run in this order: migrate, administrator, demo school, then whatever modules add.
builder.Services
    .AddLyceumStartup()
    .AddStartupTask<MigrateDatabase>().AddStartupTask<FillSearchText>()
    .AddIdentityModule()
    .AddLyceumDemo()
    .AddLyceumAudit()
    .AddSchoolsModule()
    .AddAcademicsModule()
    .AddStudentsModule().AddStaffModule()
    .AddAttendanceModule()
    .AddBehaviourModule()
    .AddGradebookModule()
    .AddTutoringModule()
    .AddMessagingModule(builder.Configuration);

var app = builder.Build();

if (command is not null)
{
    try
    {
        return await command.RunAsync(app.Services, app.Lifetime.ApplicationStopping);
    }
    catch (Exception ex) when (ex is not OperationCanceledException)
    {
        // An operator at a console wants the reason, not a stack trace (the logs above have the details).
        await Console.Error.WriteLineAsync($"{command.Name} failed: {ex.GetBaseException().Message}");
        return 1;
    }
}

app.UseLyceumPipeline();
app.MapApi()
    .MapIdentityEndpoints()
    .MapAuditEndpoints()
    .MapSchoolsEndpoints()
    .MapAcademicsEndpoints()
    .MapStudentsEndpoints().MapStaffEndpoints()
    .MapAttendanceEndpoints()
    .MapBehaviourEndpoints()
    .MapGradebookEndpoints()
    .MapTutoringEndpoints()
    .MapMessagingEndpoints();
app.MapTutoringFeeds();
app.MapMessagingHub();
app.MapLyceumUi();
app.MapInvoiceDownloads();

await app.RunAsync();
return 0;

/// <summary>The host's entry point; public for WebApplicationFactory in the integration tests.</summary>
public partial class Program;

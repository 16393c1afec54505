using Lyceum.Platform.Audit;

namespace Lyceum.Platform.Data;

public static class DataModule
{
    /// <summary>Registers the one DbContext (as a factory for handlers and Blazor, and scoped for Identity) on the configured provider.</summary>
    public static IHostApplicationBuilder AddLyceumData(this IHostApplicationBuilder builder)
    {
        var settings = DatabaseSettings.From(builder.Configuration);
        if (settings.SqliteFile is { } file && Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<StampingInterceptor>();
        builder.Services.AddSingleton<AuditInterceptor>();
        builder.Services.AddSingleton<Modules.Tutoring.CalendarStampInterceptor>();
        builder.Services.AddSingleton<Events.OutboxSignal>();
        builder.Services.AddSingleton<Events.OutboxSignalInterceptor>();
        builder.Services.AddDbContextFactory<LyceumDbContext>((sp, options) =>
        {
            settings.Configure(options);
            // Stamping first: the trail sees the values that are saved. The tutoring calendar's stamp changes in the
            // same save as the rows it versions (see CalendarStamp).
            options.AddInterceptors(
                sp.GetRequiredService<StampingInterceptor>(), sp.GetRequiredService<AuditInterceptor>(),
                sp.GetRequiredService<Modules.Tutoring.CalendarStampInterceptor>(), sp.GetRequiredService<Events.OutboxSignalInterceptor>());
        });
        return builder;
    }
}

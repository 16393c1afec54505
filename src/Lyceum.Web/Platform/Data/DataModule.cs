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
        builder.Services.AddDbContextFactory<LyceumDbContext>((sp, options) =>
        {
            settings.Configure(options);
            // Stamping first: the trail sees the values that are saved.
            options.AddInterceptors(sp.GetRequiredService<StampingInterceptor>(), sp.GetRequiredService<AuditInterceptor>());
        });
        return builder;
    }
}

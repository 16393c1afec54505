using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using PdfSharp.Drawing;

namespace Lyceum.Modules.Gradebook.ReportCards;

/// <summary>
/// A school's report-card template as the API shows it. <see cref="IsDefault"/>: the school has saved none, and this
/// is what its report cards use (title "Report card", the three usual signature lines). Logo: PNG or JPEG, base64.
/// </summary>
public sealed record ReportCardTemplateView(
    int SchoolId, string Title, byte[]? Logo, bool ShowAttendance, bool ShowComments, IReadOnlyList<string> SignatureLines, string? Footer,
    bool IsDefault, Guid? Version);

/// <summary>
/// A whole template to save. Left out: <c>showAttendance</c> and <c>showComments</c> are true, <c>signatureLines</c>
/// and <c>footer</c> empty, <c>logo</c> none (the app's logo is printed).
/// </summary>
public sealed record ReportCardTemplateRequest(
    string? Title, byte[]? Logo, bool? ShowAttendance, bool? ShowComments, IReadOnlyList<string?>? SignatureLines, string? Footer);

/// <summary>
/// A school's report-card layout: read by whoever sees the school (school.view), replaced by whoever configures it
/// (school.configure). One per school; a school without one prints with <see cref="Default"/>.
/// </summary>
public sealed class ReportCardTemplatesHandler(IDbContextFactory<LyceumDbContext> contexts, AccessService access)
{
    public const int MaxTitle = 120;
    public const int MaxFooter = 500;
    public const int MaxSignatureLines = 6;
    public const int MaxSignatureLine = 60;
    public const int MaxLogoBytes = 512 * 1024;

    private static readonly string[] DefaultSignatureLines = ["Form tutor", "Head teacher", "Parent or guardian"];

    /// <summary>The template of a school that has saved none, with the given (translated) title and signature lines.</summary>
    public static ReportCardTemplate Default(int schoolId, string title, IReadOnlyList<string> signatureLines) =>
        new() { SchoolId = schoolId, Title = title, SignatureLines = [.. signatureLines] };

    public async Task<Result<ReportCardTemplateView>> GetAsync(Caller caller, int schoolId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await access.Reachable(db.Schools, caller, Permissions.SchoolView).AnyAsync(s => s.Id == schoolId, cancellationToken))
        {
            return new Error.NotFound($"There is no school {schoolId}.");
        }

        var row = await db.ReportCardTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.SchoolId == schoolId, cancellationToken);
        return ToView(row ?? Default(schoolId, "Report card", DefaultSignatureLines), row is null);
    }

    /// <summary>
    /// Replaces the school's template (creating it the first time). <paramref name="ifMatch"/>, when sent, must be the
    /// stored version (412 otherwise), so an editor can refuse to overwrite a change made since they read it.
    /// </summary>
    public async Task<Result<ReportCardTemplateView>> SaveAsync(
        Caller caller, int schoolId, Guid? ifMatch, ReportCardTemplateRequest request, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await access.Reachable(db.Schools, caller, Permissions.SchoolConfigure, Permissions.SchoolView).AnyAsync(s => s.Id == schoolId, cancellationToken))
        {
            return new Error.NotFound($"There is no school {schoolId} that you may configure.");
        }

        if (Validate(request) is { } invalid)
        {
            return invalid;
        }

        var row = await db.ReportCardTemplates.FirstOrDefaultAsync(t => t.SchoolId == schoolId, cancellationToken);
        if (ifMatch is { } version && row?.Version != version)
        {
            return new Error.PreconditionFailed("The template changed since you read it: read it again and redo your change.");
        }

        if (row is null)
        {
            row = new ReportCardTemplate { SchoolId = schoolId, Title = "" };
            db.ReportCardTemplates.Add(row);
        }

        row.Title = request.Title!.Trim();
        row.Logo = request.Logo is { Length: > 0 } logo ? logo : null;
        row.ShowAttendance = request.ShowAttendance ?? true;
        row.ShowComments = request.ShowComments ?? true;
        row.SignatureLines = [.. (request.SignatureLines ?? []).Select(l => l!.Trim())];
        row.Footer = TextInput.Blank(request.Footer);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (db.ChangeTracker.Entries<ReportCardTemplate>().Any(e => e.State == EntityState.Added))
        {
            // Two first saves at once: the unique index on the school lets one in.
            return new Error.Conflict("Someone saved this school's template at the same moment: read it again and redo your change.");
        }

        return ToView(row, false);
    }

    /// <summary>Field errors of a template: title, footer and signature-line lengths, at most six lines, a logo that is a real PNG or JPEG of at most 512 KB.</summary>
    public static Error.Validation? Validate(ReportCardTemplateRequest request)
    {
        var errors = new FieldErrors();
        errors.Required("title", request.Title);
        errors.MaxLength("title", request.Title?.Trim(), MaxTitle);
        errors.MaxLength("footer", request.Footer?.Trim(), MaxFooter);
        var lines = request.SignatureLines ?? [];
        if (lines.Count > MaxSignatureLines)
        {
            errors.Add("signatureLines", $"At most {MaxSignatureLines} signature lines.");
        }

        for (var i = 0; i < lines.Count; i++)
        {
            errors.Required($"signatureLines[{i}]", lines[i]);
            errors.MaxLength($"signatureLines[{i}]", lines[i]?.Trim(), MaxSignatureLine);
        }

        if (request.Logo is { Length: > 0 } logo)
        {
            if (logo.Length > MaxLogoBytes)
            {
                errors.Add("logo", $"The logo may be at most {MaxLogoBytes / 1024} KB; this one is {(logo.Length + 1023) / 1024} KB.");
            }
            else if (!IsPngOrJpeg(logo) || !Readable(logo))
            {
                errors.Add("logo", "The logo must be a PNG or JPEG image.");
            }
        }

        return errors.Any ? errors.ToError() : null;
    }

    /// <summary>PNG's eight-byte signature, or JPEG's start-of-image marker followed by another marker.</summary>
    public static bool IsPngOrJpeg(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) ||
        bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]);

    /// <summary>Whether PDFsharp can read the image: a file that only starts like a PNG would fail every report card later.</summary>
    private static bool Readable(byte[] logo)
    {
        try
        {
            using var stream = new MemoryStream(logo, writable: false);
            using var image = XImage.FromStream(stream);
            return image.PixelWidth > 0 && image.PixelHeight > 0;
        }
#pragma warning disable CA1031 // any failure to decode means "not an image we can print"
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    /// <summary>The school's template, or the default in the given words; untracked.</summary>
    internal static async Task<ReportCardTemplate> ForSchoolAsync(LyceumDbContext db, int schoolId, ReportCardLabels labels, CancellationToken cancellationToken) =>
        await db.ReportCardTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.SchoolId == schoolId, cancellationToken)
        ?? Default(schoolId, labels.ReportCard, labels.DefaultSignatureLines);

    private static ReportCardTemplateView ToView(ReportCardTemplate t, bool isDefault) =>
        new(t.SchoolId, t.Title, t.Logo, t.ShowAttendance, t.ShowComments, t.SignatureLines, t.Footer, isDefault, isDefault ? null : t.Version);
}

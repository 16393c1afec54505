using System.Linq.Expressions;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;
using Lyceum.Platform.Records;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.Modules.Students.Guardians;

public sealed record GuardianRequest(int? SchoolId, string? Title, string? FirstName, string? LastName, string? Email, string? Phone, string? Address);

/// <summary>A guardian as lists and forms show one; <c>students</c> counts the students linked to them.</summary>
public sealed record GuardianView(
    int Id, int SchoolId, string? Title, string FirstName, string LastName, string? Email, string? Phone, string? Address,
    int Students, bool HasAccount, bool Archived, Guid Version) : IRecordView;

/// <summary>
/// Parents and carers as records of their school. The office (guardians.create / guardians.edit) adds and edits them;
/// deleting is for guardians.delete (administrators) and only while no student is linked and no account is.
/// </summary>
public sealed class GuardianKind : SchoolOwnedKind<Guardian, GuardianRequest, GuardianView>
{
    public override string Route => "guardians";

    public override string Noun => "guardian";

    public override string Tag => "Guardians";

    public override string ViewPermission => Permissions.GuardiansView;

    public override string EditPermission => Permissions.GuardiansEdit;

    public override string CreatePermission => Permissions.GuardiansCreate;

    public override string DeletePermission => Permissions.GuardiansDelete;

    public override Expression<Func<Guardian, GuardianView>> View =>
        g => new GuardianView(g.Id, g.SchoolId, g.Title, g.FirstName, g.LastName, g.Email, g.Phone, g.Address,
            g.Students.Count, g.UserId != null, g.ArchivedAt != null, g.Version);

    public override IReadOnlyDictionary<string, Expression<Func<Guardian, object?>>> SortFields { get; } =
        new Dictionary<string, Expression<Func<Guardian, object?>>>(StringComparer.Ordinal)
        {
            ["lastName"] = g => g.LastName,
            ["firstName"] = g => g.FirstName,
            ["email"] = g => g.Email ?? string.Empty,
        };

    public override IReadOnlyList<SortField> DefaultSort { get; } = [new("lastName", false), new("firstName", false)];

    /// <summary>The folded search text (names either way round, e-mail, phone): "zoe" finds Zoë on both databases.</summary>
    public override Expression<Func<Guardian, bool>> Matches(string pattern) =>
        g => EF.Functions.Like(g.SearchText, pattern, Like.EscapeCharacter);

    protected override int? SchoolOf(GuardianRequest r) => r.SchoolId;

    protected override Task ValidateFieldsAsync(RecordContext context, GuardianRequest r, Guardian? existing, int? schoolId, FieldErrors errors, CancellationToken cancellationToken)
    {
        Check(errors, r.Title, r.FirstName, r.LastName, r.Email, r.Phone, r.Address, prefix: "");
        return Task.CompletedTask;
    }

    /// <summary>
    /// A guardian's own fields, as the guardian form and a student's "add with guardians" request check them
    /// (<paramref name="prefix"/> names the field's place in the request, e.g. <c>guardians[1].</c>).
    /// </summary>
    public static void Check(FieldErrors errors, string? title, string? firstName, string? lastName, string? email, string? phone, string? address, string prefix)
    {
        errors.MaxLength(prefix + "title", title, 20);
        errors.Required(prefix + "firstName", firstName);
        errors.MaxLength(prefix + "firstName", firstName, 100);
        errors.Required(prefix + "lastName", lastName);
        errors.MaxLength(prefix + "lastName", lastName, 100);
        Contact.CheckEmail(errors, prefix + "email", email);
        Contact.CheckPhone(errors, prefix + "phone", phone);
        errors.MaxLength(prefix + "address", address, 400);
        if (string.IsNullOrWhiteSpace(email) && string.IsNullOrWhiteSpace(phone))
        {
            errors.Add(prefix + "email", "Give an e-mail address or a phone number, so that the school can reach this guardian.");
        }
    }

    public override Guardian Create(GuardianRequest r) => new()
    {
        SchoolId = r.SchoolId!.Value,
        Title = TextInput.Blank(r.Title),
        FirstName = r.FirstName!.Trim(),
        LastName = r.LastName!.Trim(),
        Email = TextInput.Blank(r.Email),
        Phone = TextInput.Blank(r.Phone),
        Address = TextInput.Blank(r.Address),
    };

    public override void Apply(GuardianRequest r, Guardian g)
    {
        g.Title = TextInput.Blank(r.Title);
        g.FirstName = r.FirstName!.Trim();
        g.LastName = r.LastName!.Trim();
        g.Email = TextInput.Blank(r.Email);
        g.Phone = TextInput.Blank(r.Phone);
        g.Address = TextInput.Blank(r.Address);
    }

    public override async Task<string?> InUseAsync(LyceumDbContext db, Guardian g, CancellationToken cancellationToken) =>
        await InUse.DescribeAsync(cancellationToken,
            ("students", () => db.Set<StudentGuardian>().CountAsync(l => l.GuardianId == g.Id, cancellationToken)),
            ("user account", () => Task.FromResult(g.UserId is null ? 0 : 1)));
}

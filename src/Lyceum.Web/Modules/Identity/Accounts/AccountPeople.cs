using System.Linq.Expressions;
using Lyceum.Modules.Staff;
using Lyceum.Modules.Students;
using Lyceum.Platform.Access;

namespace Lyceum.Modules.Identity.Accounts;

/// <summary>A person on record as accounts see them: their kind, record, name, e-mail and account (if any).</summary>
public sealed record AccountPerson(PersonType Type, int Id, string Name, string? Email, Guid? UserId);

/// <summary>
/// Each kind of person as an <see cref="AccountPerson"/>, inside a query: the one place that says how accounts name
/// people (an invitation names the account so, and the accounts list names the person behind each account so).
/// </summary>
public static class AccountPeople
{
    public static readonly Expression<Func<StaffMember, AccountPerson>> Staff = p =>
        new AccountPerson(PersonType.Staff, p.Id, ((p.Title ?? "") + " " + p.FirstName + " " + p.LastName).Trim(), p.Email, p.UserId);

    public static readonly Expression<Func<Guardian, AccountPerson>> Guardian = p =>
        new AccountPerson(PersonType.Guardian, p.Id, ((p.Title ?? "") + " " + p.FirstName + " " + p.LastName).Trim(), p.Email, p.UserId);

    public static readonly Expression<Func<Student, AccountPerson>> Student = p =>
        new AccountPerson(PersonType.Student, p.Id, (p.PreferredName ?? p.FirstName) + " " + p.LastName, p.Email, p.UserId);

    /// <summary>Where a person's page is.</summary>
    public static string PageOf(PersonType type, int id) => type switch
    {
        PersonType.Staff => $"/staff/{id}",
        PersonType.Guardian => $"/guardians/{id}",
        _ => $"/students/{id}",
    };

    /// <summary>The permission a person's page asks for.</summary>
    public static string ViewPermission(PersonType type) => type switch
    {
        PersonType.Staff => Permissions.StaffView,
        PersonType.Guardian => Permissions.GuardiansView,
        _ => Permissions.StudentsView,
    };
}

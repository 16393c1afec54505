namespace Lyceum.Platform.Access;

/// <summary>
/// Permissions are resource × action (see ../shared/ROADMAP.md). Endpoints name the permission they need as their
/// authorization policy; today every policy is granted to the Administrator preset only. The identity issue replaces
/// this with roles as data, scopes and one authorization service, without touching the endpoints.
/// </summary>
public static class Permissions
{
    public const string StudentsView = "students.view";
    public const string StudentsEdit = "students.edit";

    public static readonly IReadOnlyList<string> All = [StudentsView, StudentsEdit];
}

using Lyceum.Modules.Academics;
using Lyceum.Modules.Schools;
using Lyceum.Modules.Staff;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Lyceum.Platform.Data;

namespace Lyceum.Platform.Records;

/// <summary>
/// The choices a record form or filter offers (schools, years, departments), read through the kinds' own handlers, so
/// a list only offers what the caller's grants reach. Every page, up to <see cref="MaxPages"/> of them.
/// </summary>
public sealed class RecordOptions(IServiceProvider services)
{
    public sealed record Option(int Id, string Name);

    public Task<IReadOnlyList<Option>> SchoolsAsync(Caller caller) =>
        ListAsync<School, SchoolRequest, SchoolView>(caller, s => new(s.Id, s.Name), null);

    public Task<IReadOnlyList<Option>> AcademicYearsAsync(Caller caller) =>
        ListAsync<AcademicYear, AcademicYearRequest, AcademicYearView>(caller, y => new(y.Id, y.Name), null);

    public Task<IReadOnlyList<Option>> DepartmentsAsync(Caller caller, int schoolId) =>
        ListAsync<Department, DepartmentRequest, DepartmentView>(caller, d => new(d.Id, d.Name), new Dictionary<string, int> { ["schoolId"] = schoolId });

    /// <summary>The courses with their schools, so a section form can offer the terms, staff, rooms and periods of the chosen one's school.</summary>
    public Task<IReadOnlyList<CourseView>> CoursesAsync(Caller caller) =>
        ViewsAsync<Course, CourseRequest, CourseView>(caller, null);

    public Task<IReadOnlyList<Option>> TermsAsync(Caller caller, int schoolId) =>
        ListAsync<Term, TermRequest, TermView>(caller, t => new(t.Id, $"{t.Name} {t.AcademicYear}"), InSchool(schoolId));

    public Task<IReadOnlyList<Option>> StaffAsync(Caller caller, int schoolId) =>
        ListAsync<StaffMember, StaffRequest, StaffView>(
            caller, s => new(s.Id, string.IsNullOrEmpty(s.Title) ? $"{s.FirstName} {s.LastName}" : $"{s.Title} {s.FirstName} {s.LastName}"), InSchool(schoolId));

    public Task<IReadOnlyList<Option>> RoomsAsync(Caller caller, int schoolId) =>
        ListAsync<Room, RoomRequest, RoomView>(caller, r => new(r.Id, r.Name), InSchool(schoolId));

    public Task<IReadOnlyList<Option>> PeriodsAsync(Caller caller, int schoolId) =>
        ListAsync<Period, PeriodRequest, PeriodView>(caller, p => new(p.Id, p.Name), InSchool(schoolId));

    public async Task<IReadOnlyList<Option>> ListAsync<TEntity, TRequest, TView>(
        Caller caller, Func<TView, Option> option, IReadOnlyDictionary<string, int>? filters)
        where TEntity : Entity, IArchivable
        where TRequest : class
        where TView : class, IRecordView =>
        [.. (await ViewsAsync<TEntity, TRequest, TView>(caller, filters)).Select(option)];

    public async Task<IReadOnlyList<TView>> ViewsAsync<TEntity, TRequest, TView>(Caller caller, IReadOnlyDictionary<string, int>? filters)
        where TEntity : Entity, IArchivable
        where TRequest : class
        where TView : class, IRecordView
    {
        var handler = services.GetRequiredService<RecordHandler<TEntity, TRequest, TView>>();
        var size = ListQuery.MaxPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var views = new List<TView>();
        for (var page = 1; page <= MaxPages; page++)
        {
            var result = await handler.ListAsync(
                caller, new ListQuery(page.ToString(System.Globalization.CultureInfo.InvariantCulture), size, null, null),
                filters ?? new Dictionary<string, int>(), includeArchived: false, CancellationToken.None);
            if (!result.IsSuccess)
            {
                break;
            }

            views.AddRange(result.Value!.Items);
            if (views.Count >= result.Value.TotalCount || result.Value.Items.Count < ListQuery.MaxPageSize)
            {
                break;
            }
        }

        return views;
    }

    /// <summary>A large school's staff (a few hundred) all appear; past this many a choice needs a search, not a list.</summary>
    private const int MaxPages = 20;

    private static Dictionary<string, int> InSchool(int schoolId) => new() { ["schoolId"] = schoolId };
}

using System.Globalization;
using Lyceum.Modules.Students.ListStudents;
using Lyceum.Modules.Tutoring.Sessions;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using Radzen;
using Radzen.Blazor;

namespace Lyceum.Modules.Tutoring.Calendar;

public sealed partial class TutoringPage : IAsyncDisposable
{
    private const int FamilyWeeks = 4;

    private static readonly DayOfWeek[] WeekDays =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    private Mode mode = Mode.Loading;
    private TutoringOptions? options;
    private bool tutorOnly;
    private bool mayLog;
    private bool narrow;
    private bool viewChosen;
    private bool widthAsked;
    private DateOnly today;
    private RadzenScheduler<CalendarItem>? scheduler;
    private List<CalendarItem> items = [];
    private (DateOnly From, DateOnly To)? range;
    private List<SessionView>? myDay;

    private DateOnly familyFrom;
    private IReadOnlyList<SessionView> familySessions = [];

    private int? fTutor;
    private int? fBranch;
    private string? fSubject;
    private SessionStatus? fStatus;
    private Pick? fStudent;
    private string? fStudentQuery;
    private IReadOnlyList<Pick> fStudentFound = [];

    private SessionView? selected;
    private BookingForm? booking;
    private string? bStudentQuery;
    private IReadOnlyList<Pick> bStudentFound = [];
    private IReadOnlyList<SessionClash> clashes = [];
    private IDictionary<string, string[]>? errors;
    private bool overrideClash;
    private string? overrideReason;
    private bool busy;
    private string? notice;
    private string? problem;

    private readonly Dictionary<int, SessionAttendance> attendance = [];
    private string? logNote;
    private Guid logId = Guid.NewGuid();
    private string? logKey;

    private DateOnly mDate;
    private TimeOnly mStart;
    private TimeOnly mEnd;
    private SeriesScope mScope;
    private SeriesScope cScope;
    private string? cReason;

    private PendingMove? pendingMove;
    private IJSObjectReference? module;

    private enum Mode
    {
        Loading,
        Staff,
        Family,
    }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject]
    private TutoringSessionsHandler Sessions { get; set; } = default!;

    [Inject]
    private ListStudentsHandler Students { get; set; } = default!;

    [Inject]
    private CallerScope Callers { get; set; } = default!;

    [Inject]
    private TimeProvider Clock { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    private static CultureInfo Culture => CultureInfo.CurrentCulture;

    protected override async Task OnInitializedAsync()
    {
        var caller = await CallerAsync();
        var result = await Sessions.OptionsAsync(caller, null, CancellationToken.None);
        // Whoever may not book at any school and teaches no sessions (a guardian, a student) reads their sessions as a list.
        if (!result.IsSuccess)
        {
            today = DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);
            familyFrom = WeekOf(today);
            await LoadFamilyAsync();
            mode = Mode.Family;
            return;
        }

        options = result.Value!;
        var zone = SessionTimes.Zone(options.TimeZone) ?? TimeZoneInfo.Utc;
        today = DateOnly.FromDateTime(SessionTimes.ToLocal(Clock.GetUtcNow().UtcDateTime, zone));
        tutorOnly = !caller.GrantsOf(Permissions.SessionsView).Any(g => g.IsUnlimited || g.Scope == Platform.Identity.AccessScope.School);
        mayLog = caller.Can(Permissions.SessionsLog);
        mode = Mode.Staff;
        await LoadMyDayAsync();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // The first render may come before the options are read (prerendering, or OnInitializedAsync still waiting):
        // ask for the width once the page knows what it shows.
        if (!widthAsked && mode == Mode.Staff && RendererInfo.IsInteractive)
        {
            widthAsked = true;
            // The day view on a phone, the week on a wider screen: known only once the browser answers.
            try
            {
                module = await JS.InvokeAsync<IJSObjectReference>("import", "./Modules/Tutoring/Calendar/TutoringPage.razor.js");
                narrow = await module.InvokeAsync<bool>("isNarrow");
            }
            catch (JSException)
            {
                narrow = false;
            }

            viewChosen = true;
            StateHasChanged();
        }
    }

    private async Task<Caller> CallerAsync() => await Callers.CallerAsync((await AuthenticationState).User);

    private async Task LoadMyDayAsync()
    {
        var result = await Sessions.ListAsync(await CallerAsync(), new SessionFilter(today, today, Mine: true), CancellationToken.None);
        var mine = result.IsSuccess ? result.Value!.ToList() : [];
        // Shown to anyone who teaches today, and always to a tutor (who sees only their own anyway).
        myDay = tutorOnly || mine.Count > 0 ? mine : null;
    }

    private async Task LoadDataAsync(SchedulerLoadDataEventArgs args)
    {
        range = (DateOnly.FromDateTime(args.Start), DateOnly.FromDateTime(args.End));
        await ReloadRangeAsync();
    }

    private async Task ReloadRangeAsync()
    {
        if (range is not { } r)
        {
            return;
        }

        var filter = new SessionFilter(r.From, r.To, fTutor, fStudent?.Id, fBranch, fSubject, fStatus, options?.SchoolId);
        var result = await Sessions.ListAsync(await CallerAsync(), filter, CancellationToken.None);
        items = result.IsSuccess ? [.. result.Value!.Select(s => new CalendarItem(s, !tutorOnly))] : [];
        problem = result.IsSuccess ? null : result.Error!.Detail;
    }

    private async Task RefreshAsync()
    {
        await ReloadRangeAsync();
        await LoadMyDayAsync();
        if (scheduler is not null)
        {
            await scheduler.Reload();
        }
    }

    private async Task FilterAsync(Action change)
    {
        change();
        await ReloadRangeAsync();
    }

    private async Task FilterStudentSearchAsync(ChangeEventArgs e)
    {
        fStudentQuery = e.Value as string;
        fStudentFound = await FindStudentsAsync(fStudentQuery);
    }

    private async Task BookingStudentSearchAsync(ChangeEventArgs e)
    {
        bStudentQuery = e.Value as string;
        bStudentFound = await FindStudentsAsync(bStudentQuery);
    }

    private async Task<IReadOnlyList<Pick>> FindStudentsAsync(string? q)
    {
        if (string.IsNullOrWhiteSpace(q) || q.Trim().Length < 2)
        {
            return [];
        }

        var result = await Students.HandleAsync(await CallerAsync(), new ListQuery("1", "8", q.Trim(), null), new StudentFilter(options?.SchoolId), CancellationToken.None);
        return result.IsSuccess ? [.. result.Value!.Items.Select(s => new Pick(s.Id, $"{s.FirstName} {s.LastName}"))] : [];
    }

    private void OnAppointmentRender(SchedulerAppointmentRenderEventArgs<CalendarItem> args)
    {
        if (args.Data is { } item)
        {
            args.Attributes["class"] = $"rz-event-content ly-session ly-session-{CalendarItem.StatusClass(item.Session.Status)}";
        }
    }

    private Task OnAppointmentSelectAsync(SchedulerAppointmentSelectEventArgs<CalendarItem> args) =>
        args.Data is { } item ? OpenAsync(item.Session.Id) : Task.CompletedTask;

    private void OnSlotSelect(SchedulerSlotSelectEventArgs args)
    {
        if (options is { MayBook: true })
        {
            // A month cell's slot is the whole day: start at a usual after-school time then.
            var start = args.Start.TimeOfDay == TimeSpan.Zero ? args.Start.Date.AddHours(16) : args.Start;
            OpenBooking(start);
        }
    }

    private async Task OnAppointmentMoveAsync(SchedulerAppointmentMoveEventArgs args)
    {
        if (args.Appointment?.Data is not CalendarItem item || options is not { MayOverride: true } || item.Session.Status != SessionStatus.Scheduled)
        {
            return;
        }

        var length = item.End - item.Start;
        // A month cell carries a date only: keep the time of day.
        var start = args.SlotDate.TimeOfDay == TimeSpan.Zero ? args.SlotDate.Date + item.Start.TimeOfDay : args.SlotDate;
        await ProposeAsync(item.Session, start, start + length);
    }

    private async Task OnAppointmentResizeAsync(SchedulerAppointmentResizeEventArgs args)
    {
        if (args.Appointment?.Data is not CalendarItem item || options is not { MayOverride: true } || item.Session.Status != SessionStatus.Scheduled)
        {
            return;
        }

        await ProposeAsync(item.Session, args.Start, args.End);
    }

    private async Task ProposeAsync(SessionView session, DateTime start, DateTime end)
    {
        if (session.SeriesId is null)
        {
            await ChangeAsync(session, start, end, SeriesScope.This);
            return;
        }

        pendingMove = new PendingMove(session, start, end);
    }

    private async Task ApplyPendingAsync(SeriesScope scope)
    {
        if (pendingMove is { } pm)
        {
            await ChangeAsync(pm.Session, pm.Start, pm.End, scope);
            pendingMove = null;
        }
    }

    private async Task CancelPendingAsync()
    {
        pendingMove = null;
        await RefreshAsync();
    }

    private async Task ChangeAsync(SessionView session, DateTime start, DateTime end, SeriesScope scope)
    {
        busy = true;
        (notice, problem) = (null, null);
        try
        {
            var result = await Sessions.ChangeAsync(await CallerAsync(), session.Id, new SessionChangeRequest(Start: start, End: end, Scope: scope), null, CancellationToken.None);
            if (result.IsSuccess)
            {
                notice = T["{0} moved to {1}.", session.Subject, When(result.Value!.Start, result.Value.End)];
            }
            else
            {
                problem = result.Error is Error.Conflict { Extensions: { } ext } && ext.TryGetValue("conflicts", out var c) && c is IReadOnlyList<SessionClash> list
                    ? T["Not moved: {0}", string.Join(" ", list.Select(x => x.Description))]
                    : result.Error!.Detail;
            }

            await RefreshAsync();
        }
        finally
        {
            busy = false;
        }
    }

    private async Task OpenAsync(int id)
    {
        var result = await Sessions.GetAsync(await CallerAsync(), id, CancellationToken.None);
        if (!result.IsSuccess)
        {
            problem = result.Error!.Detail;
            return;
        }

        Show(result.Value!);
        logNote = result.Value!.LogNote;
        logKey = null;
        cReason = null;
        (mScope, cScope) = (SeriesScope.This, SeriesScope.This);
        (clashes, errors, overrideClash, overrideReason, problem, notice) = ([], null, false, null, null, null);
    }

    private void Show(SessionView session)
    {
        selected = session;
        booking = null;
        attendance.Clear();
        foreach (var st in session.Students.Where(x => x.Attendance != SessionAttendance.Unmarked))
        {
            attendance[st.StudentId] = st.Attendance;
        }

        (mDate, mStart, mEnd) = (DateOnly.FromDateTime(session.Start), TimeOnly.FromDateTime(session.Start), TimeOnly.FromDateTime(session.End));
    }

    private void OpenBooking(DateTime? start)
    {
        var from = start ?? today.ToDateTime(new TimeOnly(16, 0));
        booking = new BookingForm
        {
            TutorId = options!.Tutors.Count == 1 ? options.Tutors[0].Id : null,
            Date = DateOnly.FromDateTime(from),
            StartTime = TimeOnly.FromDateTime(from),
            EndTime = TimeOnly.FromDateTime(from.AddHours(1)),
        };
        booking.Days.Add(from.DayOfWeek);
        selected = null;
        (bStudentQuery, bStudentFound) = (null, []);
        (clashes, errors, overrideClash, overrideReason, problem, notice) = ([], null, false, null, null, null);
    }

    private void Close()
    {
        (selected, booking, clashes, errors, problem) = (null, null, [], null, null);
    }

    private static void ToggleDay(BookingForm form, DayOfWeek day, bool on)
    {
        if (on)
        {
            form.Days.Add(day);
        }
        else
        {
            form.Days.Remove(day);
        }
    }

    private void ChooseStudent(Pick student, bool on)
    {
        booking!.Students.RemoveAll(s => s.Id == student.Id);
        if (on)
        {
            booking.Students.Add(student);
        }
    }

    private async Task BookAsync()
    {
        if (booking is not { } b || busy)
        {
            return;
        }

        busy = true;
        (notice, problem, errors) = (null, null, null);
        try
        {
            var recurrence = b.Weekly
                ? new RecurrenceRequest(Days: [.. WeekDays.Where(b.Days.Contains)], Interval: b.Interval, Until: b.Until, Count: b.Until is null ? b.Count : null)
                : null;
            var request = new SessionRequest(
                b.TutorId, [.. b.Students.Select(s => s.Id)], b.Subject, b.Date.ToDateTime(b.StartTime), b.Date.ToDateTime(b.EndTime),
                BranchId: b.BranchId, OnlineLink: b.OnlineLink, Notes: b.Notes, Recurrence: recurrence,
                OverrideConflicts: overrideClash, OverrideReason: overrideClash ? overrideReason : null);
            var result = await Sessions.BookAsync(await CallerAsync(), request, CancellationToken.None);
            if (result.IsSuccess)
            {
                var made = result.Value!;
                notice = made.Count == 1
                    ? T["Booked: {0}, {1}.", made.Sessions[0].Subject, When(made.Sessions[0].Start, made.Sessions[0].End)]
                    : T["Booked a series of {0} lessons from {1}.", made.Count, When(made.Sessions[0].Start, made.Sessions[0].End)];
                booking = null;
                clashes = [];
                await RefreshAsync();
                return;
            }

            Refused(result.Error!);
        }
        finally
        {
            busy = false;
        }
    }

    private async Task MoveAsync()
    {
        if (selected is not { } s || busy)
        {
            return;
        }

        busy = true;
        (notice, problem, errors) = (null, null, null);
        try
        {
            var request = new SessionChangeRequest(
                Start: mDate.ToDateTime(mStart), End: mDate.ToDateTime(mEnd), Scope: mScope,
                OverrideConflicts: overrideClash, OverrideReason: overrideClash ? overrideReason : null);
            var result = await Sessions.ChangeAsync(await CallerAsync(), s.Id, request, s.Version, CancellationToken.None);
            if (result.IsSuccess)
            {
                notice = mScope == SeriesScope.Following
                    ? T["Moved this and the following lessons to {0}.", When(result.Value!.Start, result.Value.End)]
                    : T["{0} moved to {1}.", s.Subject, When(result.Value!.Start, result.Value.End)];
                selected = null;
                clashes = [];
                await RefreshAsync();
                return;
            }

            Refused(result.Error!);
        }
        finally
        {
            busy = false;
        }
    }

    private async Task CancelSessionAsync()
    {
        if (selected is not { } s || busy)
        {
            return;
        }

        busy = true;
        (notice, problem, errors) = (null, null, null);
        try
        {
            var result = await Sessions.CancelAsync(await CallerAsync(), s.Id, new CancelSessionRequest(cScope, cReason), CancellationToken.None);
            if (result.IsSuccess)
            {
                notice = cScope == SeriesScope.Following ? T["Cancelled this and the following lessons."] : T["Cancelled: {0}, {1}.", s.Subject, When(s.Start, s.End)];
                selected = null;
                await RefreshAsync();
                return;
            }

            Refused(result.Error!);
        }
        finally
        {
            busy = false;
        }
    }

    /// <summary>
    /// The tutor's tap. The log id stays the same while what is sent stays the same: a second tap after a lost answer is
    /// a retry the handler recognises, not a second log. Changing the status, note or attendance makes a new log.
    /// </summary>
    private async Task LogAsync(SessionStatus status)
    {
        if (selected is not { } s || busy)
        {
            return;
        }

        var entries = s.Students.Where(x => attendance.ContainsKey(x.StudentId)).Select(x => new AttendanceEntry(x.StudentId, attendance[x.StudentId])).ToList();
        var key = $"{status}|{logNote}|{string.Join(",", entries.Select(e => $"{e.StudentId}:{e.Status}"))}";
        if (key != logKey)
        {
            (logKey, logId) = (key, Guid.NewGuid());
        }

        busy = true;
        (notice, problem, errors) = (null, null, null);
        try
        {
            var result = await Sessions.LogAsync(await CallerAsync(), s.Id, new LogSessionRequest(logId, status, logNote, entries), CancellationToken.None);
            if (result.IsSuccess)
            {
                Show(result.Value!);
                notice = T["Logged: {0}, {1}.", s.Subject, StatusName(status)];
                await RefreshAsync();
                return;
            }

            Refused(result.Error!);
        }
        finally
        {
            busy = false;
        }
    }

    private void Refused(Error error)
    {
        switch (error)
        {
            case Error.Validation v:
                errors = v.Errors;
                problem = T["Please check the fields marked below."];
                break;
            case Error.Conflict { Extensions: { } ext } when ext.TryGetValue("conflicts", out var c) && c is IReadOnlyList<SessionClash> list:
                clashes = list;
                problem = null;
                break;
            default:
                problem = error.Detail;
                break;
        }
    }

    private async Task LoadFamilyAsync()
    {
        var result = await Sessions.ListAsync(await CallerAsync(), new SessionFilter(familyFrom, familyFrom.AddDays(FamilyWeeks * 7 - 1)), CancellationToken.None);
        familySessions = result.IsSuccess ? result.Value! : [];
    }

    private async Task FamilyMoveAsync(int weeks)
    {
        familyFrom = familyFrom.AddDays(weeks * 7);
        await LoadFamilyAsync();
    }

    private SessionAttendance AttendanceOf(int studentId) => attendance.TryGetValue(studentId, out var a) ? a : SessionAttendance.Unmarked;

    private static DateOnly WeekOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    private static int? IntOf(ChangeEventArgs e) => int.TryParse(e.Value as string, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static string When(DateTime start, DateTime end) =>
        $"{start.ToString("ddd d MMM, HH:mm", Culture)}–{end.ToString("HH:mm", Culture)}";

    private static string RangeText(DateOnly from, DateOnly to) => $"{from.ToString("d MMM", Culture)} – {to.ToString("d MMM yyyy", Culture)}";

    private string? Place(SessionView s) =>
        string.Join(" · ", new[] { s.Branch, s.Location, s.OnlineLink is null ? null : T["Online: {0}", s.OnlineLink].Value }.Where(x => !string.IsNullOrWhiteSpace(x))) is { Length: > 0 } text
            ? text
            : null;

    private string StatusName(SessionStatus status) => status switch
    {
        SessionStatus.Scheduled => T["Scheduled"],
        SessionStatus.Completed => T["Completed"],
        SessionStatus.Cancelled => T["Cancelled"],
        _ => T["No-show"],
    };

    private string AttendanceName(SessionAttendance a) => a switch
    {
        SessionAttendance.Present => T["Present"],
        SessionAttendance.Late => T["Late"],
        _ => T["Absent"],
    };

    public async ValueTask DisposeAsync()
    {
        if (module is not null)
        {
            try
            {
                await module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
            }
        }
    }

    private sealed record Pick(int Id, string Name);

    private sealed record PendingMove(SessionView Session, DateTime Start, DateTime End);

    private sealed class BookingForm
    {
        public int? TutorId { get; set; }

        public string? Subject { get; set; }

        public List<Pick> Students { get; } = [];

        public DateOnly Date { get; set; }

        public TimeOnly StartTime { get; set; }

        public TimeOnly EndTime { get; set; }

        public int? BranchId { get; set; }

        public string? OnlineLink { get; set; }

        public string? Notes { get; set; }

        public string Repeat { get; set; } = "none";

        public bool Weekly => Repeat == "weekly";

        public HashSet<DayOfWeek> Days { get; } = [];

        public int Interval { get; set; } = 1;

        public DateOnly? Until { get; set; }

        public int? Count { get; set; }
    }
}

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

    private Mode _mode = Mode.Loading;
    private TutoringOptions? _options;
    private bool _tutorOnly;
    private bool _mayLog;
    private bool _narrow;
    private bool _viewChosen;
    private bool _widthAsked;
    private DateOnly _today;
    private RadzenScheduler<CalendarItem>? _scheduler;
    private List<CalendarItem> _items = [];
    private (DateOnly From, DateOnly To)? _range;
    private List<SessionView>? _myDay;

    private DateOnly _familyFrom;
    private IReadOnlyList<SessionView> _familySessions = [];

    private int? _fTutor;
    private int? _fBranch;
    private string? _fSubject;
    private SessionStatus? _fStatus;
    private Pick? _fStudent;
    private string? _fStudentQuery;
    private IReadOnlyList<Pick> _fStudentFound = [];

    private SessionView? _selected;
    private BookingForm? _booking;
    private string? _bStudentQuery;
    private IReadOnlyList<Pick> _bStudentFound = [];
    private IReadOnlyList<SessionClash> _clashes = [];
    private IDictionary<string, string[]>? _errors;
    private bool _overrideClash;
    private string? _overrideReason;
    private bool _busy;
    private string? _notice;
    private string? _problem;

    private readonly Dictionary<int, SessionAttendance> _attendance = [];
    private string? _logNote;
    private Guid _logId = Guid.NewGuid();
    private string? _logKey;

    private DateOnly _mDate;
    private TimeOnly _mStart;
    private TimeOnly _mEnd;
    private SeriesScope _mScope;
    private SeriesScope _cScope;
    private string? _cReason;

    private PendingMove? _pendingMove;
    private IJSObjectReference? _module;

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
            _today = DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);
            _familyFrom = WeekOf(_today);
            await LoadFamilyAsync();
            _mode = Mode.Family;
            return;
        }

        _options = result.Value!;
        var zone = SessionTimes.Zone(_options.TimeZone) ?? TimeZoneInfo.Utc;
        _today = DateOnly.FromDateTime(SessionTimes.ToLocal(Clock.GetUtcNow().UtcDateTime, zone));
        _tutorOnly = !caller.GrantsOf(Permissions.SessionsView).Any(g => g.IsUnlimited || g.Scope == Platform.Identity.AccessScope.School);
        _mayLog = caller.Can(Permissions.SessionsLog);
        _mode = Mode.Staff;
        await LoadMyDayAsync();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // The first render may come before the _options are read (prerendering, or OnInitializedAsync still waiting):
        // ask for the width once the page knows what it shows.
        if (!_widthAsked && _mode == Mode.Staff && RendererInfo.IsInteractive)
        {
            _widthAsked = true;
            // The day view on a phone, the week on a wider screen: known only once the browser answers.
            try
            {
                _module = await JS.InvokeAsync<IJSObjectReference>("import", "./Modules/Tutoring/Calendar/TutoringPage.razor.js");
                _narrow = await _module.InvokeAsync<bool>("isNarrow");
            }
            catch (JSException)
            {
                _narrow = false;
            }

            _viewChosen = true;
            StateHasChanged();
        }
    }

    private async Task<Caller> CallerAsync() => await Callers.CallerAsync((await AuthenticationState).User);

    private async Task LoadMyDayAsync()
    {
        var result = await Sessions.ListAsync(await CallerAsync(), new SessionFilter(_today, _today, Mine: true), CancellationToken.None);
        var mine = result.IsSuccess ? result.Value!.ToList() : [];
        // Shown to anyone who teaches _today, and always to a tutor (who sees only their own anyway).
        _myDay = _tutorOnly || mine.Count > 0 ? mine : null;
    }

    private async Task LoadDataAsync(SchedulerLoadDataEventArgs args)
    {
        _range = (DateOnly.FromDateTime(args.Start), DateOnly.FromDateTime(args.End));
        await ReloadRangeAsync();
    }

    private async Task ReloadRangeAsync()
    {
        if (_range is not { } r)
        {
            return;
        }

        var filter = new SessionFilter(r.From, r.To, _fTutor, _fStudent?.Id, _fBranch, _fSubject, _fStatus, _options?.SchoolId);
        var result = await Sessions.ListAsync(await CallerAsync(), filter, CancellationToken.None);
        _items = result.IsSuccess ? [.. result.Value!.Select(s => new CalendarItem(s, !_tutorOnly))] : [];
        _problem = result.IsSuccess ? null : result.Error!.Detail;
    }

    private async Task RefreshAsync()
    {
        await ReloadRangeAsync();
        await LoadMyDayAsync();
        if (_scheduler is not null)
        {
            await _scheduler.Reload();
        }
    }

    private async Task FilterAsync(Action change)
    {
        change();
        await ReloadRangeAsync();
    }

    private async Task FilterStudentSearchAsync(ChangeEventArgs e)
    {
        _fStudentQuery = e.Value as string;
        _fStudentFound = await FindStudentsAsync(_fStudentQuery);
    }

    private async Task BookingStudentSearchAsync(ChangeEventArgs e)
    {
        _bStudentQuery = e.Value as string;
        _bStudentFound = await FindStudentsAsync(_bStudentQuery);
    }

    private async Task<IReadOnlyList<Pick>> FindStudentsAsync(string? q)
    {
        if (string.IsNullOrWhiteSpace(q) || q.Trim().Length < 2)
        {
            return [];
        }

        var result = await Students.HandleAsync(await CallerAsync(), new ListQuery("1", "8", q.Trim(), null), new StudentFilter(_options?.SchoolId), CancellationToken.None);
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
        if (_options is { MayBook: true })
        {
            // A month cell's slot is the whole day: start at a usual after-school time then.
            var start = args.Start.TimeOfDay == TimeSpan.Zero ? args.Start.Date.AddHours(16) : args.Start;
            OpenBooking(start);
        }
    }

    private async Task OnAppointmentMoveAsync(SchedulerAppointmentMoveEventArgs args)
    {
        if (args.Appointment?.Data is not CalendarItem item || _options is not { MayOverride: true } || item.Session.Status != SessionStatus.Scheduled)
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
        if (args.Appointment?.Data is not CalendarItem item || _options is not { MayOverride: true } || item.Session.Status != SessionStatus.Scheduled)
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

        _pendingMove = new PendingMove(session, start, end);
    }

    private async Task ApplyPendingAsync(SeriesScope scope)
    {
        if (_pendingMove is { } pm)
        {
            await ChangeAsync(pm.Session, pm.Start, pm.End, scope);
            _pendingMove = null;
        }
    }

    private async Task CancelPendingAsync()
    {
        _pendingMove = null;
        await RefreshAsync();
    }

    private async Task ChangeAsync(SessionView session, DateTime start, DateTime end, SeriesScope scope)
    {
        _busy = true;
        (_notice, _problem) = (null, null);
        try
        {
            var result = await Sessions.ChangeAsync(await CallerAsync(), session.Id, new SessionChangeRequest(Start: start, End: end, Scope: scope), null, CancellationToken.None);
            if (result.IsSuccess)
            {
                _notice = T["{0} moved to {1}.", session.Subject, When(result.Value!.Start, result.Value.End)];
            }
            else
            {
                _problem = result.Error is Error.Conflict { Extensions: { } ext } && ext.TryGetValue("conflicts", out var c) && c is IReadOnlyList<SessionClash> list
                    ? T["Not moved: {0}", string.Join(" ", list.Select(x => x.Description))]
                    : result.Error!.Detail;
            }

            await RefreshAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task OpenAsync(int id)
    {
        var result = await Sessions.GetAsync(await CallerAsync(), id, CancellationToken.None);
        if (!result.IsSuccess)
        {
            _problem = result.Error!.Detail;
            return;
        }

        Show(result.Value!);
        _logNote = result.Value!.LogNote;
        _logKey = null;
        _cReason = null;
        (_mScope, _cScope) = (SeriesScope.This, SeriesScope.This);
        (_clashes, _errors, _overrideClash, _overrideReason, _problem, _notice) = ([], null, false, null, null, null);
    }

    private void Show(SessionView session)
    {
        _selected = session;
        _booking = null;
        _attendance.Clear();
        foreach (var st in session.Students.Where(x => x.Attendance != SessionAttendance.Unmarked))
        {
            _attendance[st.StudentId] = st.Attendance;
        }

        (_mDate, _mStart, _mEnd) = (DateOnly.FromDateTime(session.Start), TimeOnly.FromDateTime(session.Start), TimeOnly.FromDateTime(session.End));
    }

    private void OpenBooking(DateTime? start)
    {
        var from = start ?? _today.ToDateTime(new TimeOnly(16, 0));
        _booking = new BookingForm
        {
            TutorId = _options!.Tutors.Count == 1 ? _options.Tutors[0].Id : null,
            Date = DateOnly.FromDateTime(from),
            StartTime = TimeOnly.FromDateTime(from),
            EndTime = TimeOnly.FromDateTime(from.AddHours(1)),
        };
        _booking.Days.Add(from.DayOfWeek);
        _selected = null;
        (_bStudentQuery, _bStudentFound) = (null, []);
        (_clashes, _errors, _overrideClash, _overrideReason, _problem, _notice) = ([], null, false, null, null, null);
    }

    private void Close()
    {
        (_selected, _booking, _clashes, _errors, _problem) = (null, null, [], null, null);
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
        _booking!.Students.RemoveAll(s => s.Id == student.Id);
        if (on)
        {
            _booking.Students.Add(student);
        }
    }

    private async Task BookAsync()
    {
        if (_booking is not { } b || _busy)
        {
            return;
        }

        _busy = true;
        (_notice, _problem, _errors) = (null, null, null);
        try
        {
            var recurrence = b.Weekly
                ? new RecurrenceRequest(Days: [.. WeekDays.Where(b.Days.Contains)], Interval: b.Interval, Until: b.Until, Count: b.Until is null ? b.Count : null)
                : null;
            var request = new SessionRequest(
                b.TutorId, [.. b.Students.Select(s => s.Id)], b.Subject, b.Date.ToDateTime(b.StartTime), b.Date.ToDateTime(b.EndTime),
                BranchId: b.BranchId, OnlineLink: b.OnlineLink, Notes: b.Notes, Recurrence: recurrence,
                OverrideConflicts: _overrideClash, OverrideReason: _overrideClash ? _overrideReason : null);
            var result = await Sessions.BookAsync(await CallerAsync(), request, CancellationToken.None);
            if (result.IsSuccess)
            {
                var made = result.Value!;
                _notice = made.Count == 1
                    ? T["Booked: {0}, {1}.", made.Sessions[0].Subject, When(made.Sessions[0].Start, made.Sessions[0].End)]
                    : T["Booked a series of {0} lessons from {1}.", made.Count, When(made.Sessions[0].Start, made.Sessions[0].End)];
                _booking = null;
                _clashes = [];
                await RefreshAsync();
                return;
            }

            Refused(result.Error!);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task MoveAsync()
    {
        if (_selected is not { } s || _busy)
        {
            return;
        }

        _busy = true;
        (_notice, _problem, _errors) = (null, null, null);
        try
        {
            var request = new SessionChangeRequest(
                Start: _mDate.ToDateTime(_mStart), End: _mDate.ToDateTime(_mEnd), Scope: _mScope,
                OverrideConflicts: _overrideClash, OverrideReason: _overrideClash ? _overrideReason : null);
            var result = await Sessions.ChangeAsync(await CallerAsync(), s.Id, request, s.Version, CancellationToken.None);
            if (result.IsSuccess)
            {
                _notice = _mScope == SeriesScope.Following
                    ? T["Moved this and the following lessons to {0}.", When(result.Value!.Start, result.Value.End)]
                    : T["{0} moved to {1}.", s.Subject, When(result.Value!.Start, result.Value.End)];
                _selected = null;
                _clashes = [];
                await RefreshAsync();
                return;
            }

            Refused(result.Error!);
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task CancelSessionAsync()
    {
        if (_selected is not { } s || _busy)
        {
            return;
        }

        _busy = true;
        (_notice, _problem, _errors) = (null, null, null);
        try
        {
            var result = await Sessions.CancelAsync(await CallerAsync(), s.Id, new CancelSessionRequest(_cScope, _cReason), CancellationToken.None);
            if (result.IsSuccess)
            {
                _notice = _cScope == SeriesScope.Following ? T["Cancelled this and the following lessons."] : T["Cancelled: {0}, {1}.", s.Subject, When(s.Start, s.End)];
                _selected = null;
                await RefreshAsync();
                return;
            }

            Refused(result.Error!);
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>
    /// The tutor's tap. The log id stays the same while what is sent stays the same: a second tap after a lost answer is
    /// a retry the handler recognises, not a second log. Changing the status, note or _attendance makes a new log.
    /// </summary>
    private async Task LogAsync(SessionStatus status)
    {
        if (_selected is not { } s || _busy)
        {
            return;
        }

        var entries = s.Students.Where(x => _attendance.ContainsKey(x.StudentId)).Select(x => new AttendanceEntry(x.StudentId, _attendance[x.StudentId])).ToList();
        var key = $"{status}|{_logNote}|{string.Join(",", entries.Select(e => $"{e.StudentId}:{e.Status}"))}";
        if (key != _logKey)
        {
            (_logKey, _logId) = (key, Guid.NewGuid());
        }

        _busy = true;
        (_notice, _problem, _errors) = (null, null, null);
        try
        {
            var result = await Sessions.LogAsync(await CallerAsync(), s.Id, new LogSessionRequest(_logId, status, _logNote, entries), CancellationToken.None);
            if (result.IsSuccess)
            {
                Show(result.Value!);
                _notice = T["Logged: {0}, {1}.", s.Subject, StatusName(status)];
                await RefreshAsync();
                return;
            }

            Refused(result.Error!);
        }
        finally
        {
            _busy = false;
        }
    }

    private void Refused(Error error)
    {
        switch (error)
        {
            case Error.Validation v:
                _errors = v.Errors;
                _problem = T["Please check the fields marked below."];
                break;
            case Error.Conflict { Extensions: { } ext } when ext.TryGetValue("conflicts", out var c) && c is IReadOnlyList<SessionClash> list:
                _clashes = list;
                _problem = null;
                break;
            default:
                _problem = error.Detail;
                break;
        }
    }

    private async Task LoadFamilyAsync()
    {
        var result = await Sessions.ListAsync(await CallerAsync(), new SessionFilter(_familyFrom, _familyFrom.AddDays(FamilyWeeks * 7 - 1)), CancellationToken.None);
        _familySessions = result.IsSuccess ? result.Value! : [];
    }

    private async Task FamilyMoveAsync(int weeks)
    {
        _familyFrom = _familyFrom.AddDays(weeks * 7);
        await LoadFamilyAsync();
    }

    private SessionAttendance AttendanceOf(int studentId) => _attendance.TryGetValue(studentId, out var a) ? a : SessionAttendance.Unmarked;

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
        if (_module is not null)
        {
            try
            {
                await _module.DisposeAsync();
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

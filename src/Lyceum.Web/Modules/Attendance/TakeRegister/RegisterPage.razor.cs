using System.Globalization;
using Lyceum.Modules.Attendance.ListRegisters;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace Lyceum.Modules.Attendance.TakeRegister;

public partial class RegisterPage
{
    [Parameter]
    public int? SectionId { get; set; }

    [Parameter]
    public int? PeriodId { get; set; }

    [Parameter]
    public int? SchoolId { get; set; }

    [Parameter]
    public string? FormGroup { get; set; }

    [Parameter]
    public string? Date { get; set; }

    [Parameter]
    public string? Session { get; set; }

    [Inject]
    private TakeRegisterHandler Handler { get; set; } = default!;

    [Inject]
    private RegisterSchools Schools { get; set; } = default!;

    [Inject]
    private CallerScope Callers { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary>One student's mark as being chosen: the code, the minutes as typed, the note, whether "more" is open.</summary>
    private sealed class Entry(SheetStudent student)
    {
        public SheetStudent Student { get; } = student;

        public string Code { get; set; } = "";

        public string? Minutes { get; set; }

        public string? Note { get; set; }

        public bool More { get; set; }
    }

    /// <summary>What the user had chosen when someone else's submission won, to apply again as an amendment.</summary>
    private sealed record Chosen(string Code, string? Minutes, string? Note);

    private RegisterKey? _key;
    private string? _shownKey;
    private bool _loaded;
    private DateOnly? _day;
    private SchoolTimes? _times;
    private RegisterSheet? _sheet;
    // Why there is no register (a date outside the term, a period the class does not meet in), when there is a reason.
    private string? _refusal;
    private List<Entry> _entries = [];
    // The three codes every row offers as buttons (present, absent, late); the rest sit behind "more".
    private IReadOnlyList<CodeView> _main = [];
    private IReadOnlyList<CodeView> _others = [];
    private string? _reason;
    private bool _busy;
    private IDictionary<string, string[]>? _errors;
    private string? _problem;
    private string? _conflict;
    private Dictionary<int, Chosen>? _mine;
    private ElementReference _state;
    private bool _focusState;

    protected override async Task OnParametersSetAsync()
    {
        var current = $"{SectionId}/{PeriodId}/{SchoolId}/{FormGroup}/{Date}/{Session}";
        if (current == _shownKey)
        {
            return;
        }

        _shownKey = current;
        (_loaded, _sheet, _refusal, _problem, _conflict, _mine, _errors, _reason) = (false, null, null, null, null, null, null, null);
        _day = RegisterRoutes.ParseDay(Date);
        _key = _day is not { } on ? null
            : SectionId is { } section && PeriodId is { } period ? new RegisterKey.Lesson(section, on, period)
            : SchoolId is { } school && !string.IsNullOrWhiteSpace(FormGroup) && ParseSession(Session) is { } half ? new RegisterKey.Daily(school, FormGroup, on, half)
            : null;
        if (_key is not null)
        {
            _times ??= await Schools.TimesAsync(CancellationToken.None);
            var result = await Handler.GetAsync(await CallerAsync(), _key, CancellationToken.None);
            if (result.Error is Error.Validation validation)
            {
                _refusal = string.Join(" ", validation.Errors.Values.SelectMany(m => m));
            }
            else if (result.Value is { } read)
            {
                Show(read);
            }
        }

        _loaded = true;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // After a submission the state at the top says what happened: take the reader (and the eye) there.
        if (_focusState)
        {
            _focusState = false;
            await _state.FocusAsync();
        }
    }

    private async Task<Caller> CallerAsync() => await Callers.CallerAsync((await AuthenticationState).User);

    private static DaySession? ParseSession(string? text) =>
        Enum.TryParse<DaySession>(text, ignoreCase: true, out var half) && Enum.IsDefined(half) ? half : null;

    /// <summary>Shows a register as read or saved: its marks, or everyone present when it was not taken.</summary>
    private void Show(RegisterSheet read)
    {
        _sheet = read;
        _main = [.. new[]
        {
            read.Codes.FirstOrDefault(c => c.Category == AttendanceCategory.Present),
            read.Codes.FirstOrDefault(c => c.Category == AttendanceCategory.Absent && !c.Authorised)
                ?? read.Codes.FirstOrDefault(c => c.Category == AttendanceCategory.Absent),
            read.Codes.FirstOrDefault(c => c.Category == AttendanceCategory.Late),
        }.OfType<CodeView>()];
        _others = [.. read.Codes.Where(c => !_main.Contains(c))];
        var present = _main.FirstOrDefault(c => c.Category == AttendanceCategory.Present)?.Code ?? "";
        _entries = [.. read.Students.Select(s => new Entry(s)
        {
            // A taken register's mark in a code archived since has no view: the row asks for a choice again.
            Code = s.Mark?.Code ?? (read.Taken ? "" : present),
            Minutes = s.Mark?.LateMinutes?.ToString(CultureInfo.InvariantCulture),
            Note = s.Mark?.Note,
        })];
    }

    private string Title => _sheet!.Section ?? T["Form {0}", _sheet.FormGroup ?? ""];

    private string When
    {
        get
        {
            var date = _sheet!.Date.ToString("dddd d MMMM yyyy", CultureInfo.CurrentCulture);
            return _sheet.Section is not null
                ? $"{_sheet.Period} · {_sheet.StartTime:HH:mm}–{_sheet.EndTime:HH:mm} · {date}"
                : $"{(_sheet.Session == DaySession.PM ? T["Afternoon registration"] : T["Morning registration"])} · {date}";
        }
    }

    private string Local(DateTime utc) => _times!.Local(_sheet!.SchoolId, utc).ToString("HH:mm", CultureInfo.InvariantCulture);

    private string StateText =>
        !_sheet!.Taken ? T["Not taken yet: everyone starts as present, so mark only who is not."]
        : _sheet.AmendedAt is { } amended ? T["✓ Register taken at {0} by {1}, amended at {2}", Local(_sheet.TakenAt!.Value), _sheet.TakenBy ?? "", Local(amended)]
        : T["✓ Register taken at {0} by {1}", Local(_sheet.TakenAt!.Value), _sheet.TakenBy ?? ""];

    private string? OutcomeText => _sheet!.Outcome switch
    {
        SubmitOutcome.Created => T["Saved."].Value,
        SubmitOutcome.Unchanged => T["These marks were already saved: nothing changed."].Value,
        SubmitOutcome.Amended => T["Your changes are saved."].Value,
        _ => null,
    };

    private string SubmitLabel =>
        _busy ? T["Saving…"] : _sheet!.Taken ? T["Save changes"] : T["Submit register"];

    private CodeView? CodeOf(string code) => _sheet!.Codes.FirstOrDefault(c => string.Equals(c.Code, code, StringComparison.OrdinalIgnoreCase));

    private AttendanceCategory? CategoryOf(string code) => CodeOf(code)?.Category;

    private static bool Is(Entry e, CodeView code) => string.Equals(e.Code, code.Code, StringComparison.OrdinalIgnoreCase);

    private static string Css(AttendanceCategory category) => category.ToString().ToLowerInvariant();

    private static string RowClass(AttendanceCategory? category) =>
        category is { } c && c != AttendanceCategory.Present ? $"ly-mark-row ly-mark-row-{Css(c)}" : "ly-mark-row";

    private static string NameOf(SheetStudent s) => $"{s.LastName}, {s.PreferredName ?? s.FirstName}";

    /// <summary>A mark behind "more" or a note, said under the name while "more" is closed.</summary>
    private string? Aside(Entry e)
    {
        var other = _others.FirstOrDefault(c => Is(e, c));
        var note = TextInput.Blank(e.Note);
        return (other, note) switch
        {
            (null, null) => null,
            (null, _) => T["Note: {0}", note],
            (_, null) => $"{other.Code} · {other.Name}",
            _ => $"{other.Code} · {other.Name} · {T["Note: {0}", note]}",
        };
    }

    private void Choose(Entry e, CodeView code)
    {
        e.Code = code.Code;
        if (code.Category != AttendanceCategory.Late)
        {
            e.Minutes = null;
        }
    }

    private string Field(Entry e, string name) => $"marks[{_entries.IndexOf(e)}].{name}";

    private string Tally
    {
        get
        {
            var counts = _entries.GroupBy(e => CategoryOf(e.Code)).ToDictionary(g => g.Key ?? AttendanceCategory.Excused, g => g.Count());
            var parts = new List<string>
            {
                T["{0} present", counts.GetValueOrDefault(AttendanceCategory.Present)],
                T["{0} absent", counts.GetValueOrDefault(AttendanceCategory.Absent)],
                T["{0} late", counts.GetValueOrDefault(AttendanceCategory.Late)],
            };
            if (counts.GetValueOrDefault(AttendanceCategory.Excused) is > 0 and var excused)
            {
                parts.Add(T["{0} excused", excused]);
            }

            return string.Join(" · ", parts);
        }
    }

    private static int? Minutes(string? text) =>
        int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) ? minutes : null;

    /// <summary>The mark a row sends: minutes only with a late code; a time in or out read through the API is kept.</summary>
    private MarkInput Input(Entry e) => new(
        e.Student.StudentId,
        e.Code.Length == 0 ? null : e.Code,
        CategoryOf(e.Code) == AttendanceCategory.Late ? Minutes(e.Minutes) : null,
        e.Student.Mark?.TimeIn,
        e.Student.Mark?.TimeOut,
        TextInput.Blank(e.Note));

    private bool ChangedFrom(Entry e)
    {
        var sent = Input(e);
        return e.Student.Mark is not { } stored
            || !string.Equals(sent.Code, stored.Code, StringComparison.OrdinalIgnoreCase)
            || sent.LateMinutes != stored.LateMinutes
            || sent.Note != stored.Note;
    }

    /// <summary>Whether a taken register would change: only then is there something to save, and a reason to give.</summary>
    private bool Changed => _entries.Any(ChangedFrom);

    /// <summary>What the page can tell before asking: minutes that are not a number, an amendment without its reason.</summary>
    private Dictionary<string, string[]> Check()
    {
        var found = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var e in _entries.Where(e => CategoryOf(e.Code) == AttendanceCategory.Late && !string.IsNullOrWhiteSpace(e.Minutes) && Minutes(e.Minutes) is null))
        {
            found[Field(e, "lateMinutes")] = [T["Give the minutes as a whole number, such as 5."]];
        }

        if (_sheet!.Taken && string.IsNullOrWhiteSpace(_reason))
        {
            found["reason"] = [T["Give the reason for changing a register already taken."]];
        }

        return found;
    }

    private async Task SubmitAsync()
    {
        if (_busy || _sheet is null || _key is null || (_sheet.Taken && !Changed))
        {
            return;
        }

        (_errors, _problem) = (null, null);
        var found = Check();
        if (found.Count > 0)
        {
            _errors = found;
            return;
        }

        // The button is off while saving; and a second submission of the same marks is "unchanged" to the handler anyway.
        _busy = true;
        try
        {
            var amending = _sheet.Taken;
            var request = new SubmitRegisterRequest([.. _entries.Select(Input)], amending ? _reason!.Trim() : null);
            var result = await Handler.SubmitAsync(await CallerAsync(), _key, request, amending ? _sheet.Version : null, CancellationToken.None);
            switch (result.Error)
            {
                case null:
                    Show(result.Value!);
                    (_reason, _conflict, _mine) = (null, null, null);
                    _focusState = true;
                    break;
                case Error.Validation validation:
                    _errors = validation.Errors;
                    foreach (var e in _entries.Where(e => _errors.ContainsKey(Field(e, "note"))))
                    {
                        e.More = true;
                    }

                    break;
                case Error.Conflict or Error.PreconditionFailed:
                    await TheirsAsync();
                    break;
                default:
                    _problem = result.Error.Detail;
                    break;
            }
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>
    /// Someone else's submission won (the register was taken, or amended, while this one was being marked): show
    /// their marks, keep ours to apply again as an amendment with a reason.
    /// </summary>
    private async Task TheirsAsync()
    {
        var ours = _entries.ToDictionary(e => e.Student.StudentId, e => new Chosen(e.Code, e.Minutes, e.Note));
        var read = await Handler.GetAsync(await CallerAsync(), _key!, CancellationToken.None);
        if (read.Value is not { } theirs)
        {
            _problem = read.Error?.Detail;
            return;
        }

        Show(theirs);
        _mine = ours;
        _reason = null;
        _conflict = theirs.TakenAt is { } at
            ? T["{0} took this register at {1} while you were marking it: their marks are shown. To change them, use your marks (or change theirs), give a reason and save.", theirs.TakenBy ?? "", Local(at)]
            : T["Someone else changed this register while you were marking it: their marks are shown."];
        _focusState = true;
    }

    private void UseMine()
    {
        if (_mine is null)
        {
            return;
        }

        foreach (var e in _entries)
        {
            if (_mine.TryGetValue(e.Student.StudentId, out var chosen))
            {
                (e.Code, e.Minutes, e.Note) = (chosen.Code, chosen.Minutes, chosen.Note);
            }
        }

        // The banner says whose register it is; the reason field under the marks says what is still needed.
        (_mine, _conflict) = (null, null);
    }

    /// <summary>A field of the request as a person knows it: "Adams, Ben: minutes late".</summary>
    private string LabelOf(string field)
    {
        if (field == "reason")
        {
            return T["Reason for the change"];
        }

        var open = field.IndexOf('[', StringComparison.Ordinal);
        var close = field.IndexOf(']', StringComparison.Ordinal);
        if (field.StartsWith("marks[", StringComparison.Ordinal) && close > open
            && int.TryParse(field.AsSpan(open + 1, close - open - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < _entries.Count)
        {
            var name = NameOf(_entries[index].Student);
            return field[(close + 1)..] switch
            {
                ".lateMinutes" => $"{name}: {T["Minutes late"]}",
                ".note" => $"{name}: {T["Note"]}",
                _ => name,
            };
        }

        return field == "marks" ? T["Marks"] : field;
    }
}

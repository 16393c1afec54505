using Lyceum.Modules.Gradebook.Grading;
using Lyceum.Modules.Gradebook.Scales;
using Lyceum.Modules.Gradebook.Setup;
using Lyceum.Modules.Gradebook.TermGrades;
using Lyceum.Platform.Access;
using Lyceum.Platform.Api;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using CalcCategory = Lyceum.Modules.Gradebook.Grading.GradeCategory;

namespace Lyceum.Modules.Gradebook.EnterMarks;

public sealed partial class GradebookPage
{
    /// <summary>How long the grid waits after the last keystroke before it saves.</summary>
    private static readonly TimeSpan SaveDelay = TimeSpan.FromMilliseconds(800);

    private readonly Dictionary<(int Assessment, int Student), Cell> _cells = [];
    private readonly Dictionary<int, TermGradeView> _terms = [];
    private GradebookView? _book;
    private SectionStatistics _stats = new(0, 0, null, null, null, []);
    private GradingScale _scale = GradingScale.Percentage();
    private IReadOnlyList<ScaleView> _scales = [];
    private bool _loaded;
    private bool _busy;
    private string? _refusal;
    private string? _message;
    private string? _notice;
    private SaveState _state = SaveState.Saved;
    private CancellationTokenSource? _pending;
    private readonly SemaphoreSlim _saving = new(1, 1);
    private ElementReference _table;
    private IJSObjectReference? _module;
    private IJSObjectReference? _grid;
    private DotNetObjectReference<GradebookPage>? _self;
    private bool _attached;

    private GradebookStudent? _termStudent;
    private string? _override;
    private string? _reason;
    private string? _comment;
    private IDictionary<string, string[]>? _termErrors;

    private AssessmentView? _editing;
    private string? _aTitle;
    private DateOnly? _aDate;
    private decimal? _aMax = 20;
    private int _aCategory;
    private bool _aCounts = true;
    private IDictionary<string, string[]>? _aErrors;

    private CategoryView? _cEditing;
    private string? _cName;
    private decimal? _cWeight;
    private int? _cDrop = 0;
    private IDictionary<string, string[]>? _cErrors;

    private enum SaveState
    {
        Saved,
        Unsaved,
        Saving,
        Invalid,
        Failed,
    }

    [Parameter]
    public int SectionId { get; set; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject]
    private GradebookHandler Gradebooks { get; set; } = default!;

    [Inject]
    private GradebookSetupHandler Setup { get; set; } = default!;

    [Inject]
    private TermGradesHandler TermGrades { get; set; } = default!;

    [Inject]
    private CallerScope Callers { get; set; } = default!;

    [Inject]
    private GradeScalesHandler Scales { get; set; } = default!;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private TimeProvider Clock { get; set; } = default!;

    /// <summary>Buttons wait for the page to be interactive (a click on the prerendered page would do nothing) and for the last action.</summary>
    private bool Busy => _busy || !RendererInfo.IsInteractive;

    private string StateText => _state switch
    {
        SaveState.Saving => T["Saving…"],
        SaveState.Unsaved => T["Unsaved changes…"],
        SaveState.Invalid => T["Not saved: {0} cell(s) need fixing (marked red).", _cells.Values.Count(c => c.Error is not null)],
        SaveState.Failed => T["Not saved: {0}", _message ?? ""],
        _ => T["All changes saved."],
    };

    protected override async Task OnParametersSetAsync()
    {
        _date = DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);
        await LoadAsync();
        _loaded = true;
    }

    private DateOnly _date;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_attached || _book is null || _book.Assessments.Count == 0 || !RendererInfo.IsInteractive)
        {
            return;
        }

        _attached = true;
        _module ??= await JS.InvokeAsync<IJSObjectReference>("import", "./js/gradebook-grid.js");
        _self ??= DotNetObjectReference.Create(this);
        _grid = await _module.InvokeAsync<IJSObjectReference>("attach", _table, _self);
    }

    private async Task LoadAsync()
    {
        var caller = await Callers.CallerAsync((await AuthenticationState).User);
        var result = await Gradebooks.GetAsync(caller, SectionId, CancellationToken.None);
        if (!result.IsSuccess)
        {
            _book = null;
            _refusal = result.Error is Error.NotFound ? null : result.Error!.Detail;
            return;
        }

        var previous = _book;
        _book = result.Value!;
        _scale = GradeScalesHandler.ToScale(new GradeScale
        {
            Name = _book.Scale.Name,
            Kind = _book.Scale.Kind,
            PointsMax = _book.Scale.PointsMax,
            Decimals = _book.Scale.Decimals,
            Bands = [.. _book.Scale.Bands.Select((b, i) => new GradeScaleBand { Position = i, Label = b.Label, From = b.From, To = b.To })],
        });
        var dirty = _cells.Where(c => c.Value.Dirty).ToDictionary(c => c.Key, c => c.Value);
        _cells.Clear();
        foreach (var student in _book.Students)
        {
            var marks = student.Marks.ToDictionary(m => m.AssessmentId);
            foreach (var a in _book.Assessments)
            {
                var cell = marks.TryGetValue(a.Id, out var m)
                    ? new Cell { Text = CellText.Format(m.Status, m.Points), Status = m.Status, Points = m.Points, Version = m.Version, By = m.By }
                    : new Cell();
                if (dirty.TryGetValue((a.Id, student.Id), out var mine))
                {
                    // Keep what the teacher typed and has not saved yet over a reload.
                    cell.Text = mine.Text;
                    cell.Dirty = true;
                    Apply(cell, CellText.Parse(mine.Text, a.MaxPoints));
                }

                _cells[(a.Id, student.Id)] = cell;
            }
        }

        if (_book.CanEdit)
        {
            var scales = await Scales.ListAsync(caller, _book.Section.SchoolId, false, CancellationToken.None);
            _scales = scales.IsSuccess ? [.. scales.Value!] : [];
            if (_scales.All(s => s.Id != _book.Scale.Id))
            {
                _scales = [_book.Scale, .. _scales];
            }
        }

        if (_aCategory == 0 || _book.Categories.All(c => c.Id != _aCategory))
        {
            _aCategory = _book.Categories.FirstOrDefault()?.Id ?? 0;
        }

        _aDate ??= _date;
        if (previous is not null && previous.Assessments.Count != _book.Assessments.Count)
        {
            await DetachAsync();
        }

        Recompute();
    }

    /// <summary>Term grades and statistics from the cells as they are now, saved or not: the one calculator, run as the teacher types.</summary>
    private void Recompute()
    {
        if (_book is null)
        {
            return;
        }

        var categories = _book.Categories.Select(c => new CalcCategory(c.Id, c.Name, c.Weight, c.DropLowest)).ToList();
        var assessments = _book.Assessments.Select(a => new GradedAssessment(a.Id, a.CategoryId, a.MaxPoints, a.Counts)).ToList();
        foreach (var student in _book.Students)
        {
            var marks = _book.Assessments
                .Select(a => (a.Id, Cell: _cells[(a.Id, student.Id)]))
                .Where(x => x.Cell.Error is null && x.Cell.Status is not null)
                .Select(x => new Mark { AssessmentId = x.Id, StudentId = student.Id, Status = x.Cell.Status!.Value, Points = x.Cell.Points })
                .ToList();
            var stored = student.Term;
            var computed = TermGradeCalculator.Compute(categories, assessments, [.. marks.Select(GradebookReader.ToCalc)], _scale);
            _terms[student.Id] = stored with
            {
                Percent = computed.Percent,
                ComputedGrade = computed.Grade,
                Grade = stored.OverrideGrade ?? computed.Grade,
                Categories = computed.Categories,
            };
        }

        _stats = GradebookReader.Statistics([.. _book.Students.Select(s => _terms[s.Id])], _scale);
    }

    private void Edit(AssessmentView assessment, int studentId, string? text)
    {
        if (_book is null || !_book.CanEdit)
        {
            return;
        }

        var cell = _cells[(assessment.Id, studentId)];
        cell.Text = text ?? "";
        cell.Note = null;
        Apply(cell, CellText.Parse(cell.Text, assessment.MaxPoints));
        cell.Dirty = true;
        Recompute();
        ScheduleSave();
    }

    /// <summary>A block from a spreadsheet: rows go down from the focused cell, columns to the right; what falls outside the grid is left out.</summary>
    [JSInvokable]
    public async Task PasteBlock(int row, int column, string text)
    {
        await InvokeAsync(() =>
        {
            if (_book is null || !_book.CanEdit)
            {
                return;
            }

            var block = CellText.ParseBlock(text);
            var filled = 0;
            for (var r = 0; r < block.Count && row + r < _book.Students.Count; r++)
            {
                for (var c = 0; c < block[r].Count && column + c < _book.Assessments.Count; c++)
                {
                    var assessment = _book.Assessments[column + c];
                    var cell = _cells[(assessment.Id, _book.Students[row + r].Id)];
                    cell.Text = block[r][c].Trim();
                    cell.Note = null;
                    Apply(cell, CellText.Parse(cell.Text, assessment.MaxPoints));
                    cell.Dirty = true;
                    filled++;
                }
            }

            var dropped = block.Sum(r => r.Count) - filled;
            _notice = dropped > 0 ? T["Pasted {0} cell(s); {1} fell outside the grid and were left out.", filled, dropped].Value : null;
            Recompute();
            ScheduleSave();
            StateHasChanged();
        });
    }

    private void ScheduleSave()
    {
        _pending?.Cancel();
        _pending = new CancellationTokenSource();
        var token = _pending.Token;
        _state = _cells.Values.Any(c => c.Error is not null) ? SaveState.Invalid : SaveState.Unsaved;
        _ = Task.Delay(SaveDelay, token).ContinueWith(
            _ => InvokeAsync(SaveAsync), token, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    /// <summary>
    /// Saves every changed cell in one all-or-nothing call. While any cell is invalid nothing is sent (no half-saves); a
    /// cell someone else changed meanwhile takes their value, with the teacher's own shown beside it, and the rest is
    /// sent again.
    /// </summary>
    private async Task SaveAsync()
    {
        if (_book is null)
        {
            return;
        }

        await _saving.WaitAsync();
        try
        {
            for (var attempt = 0; attempt < 3; attempt++)
            {
                if (_cells.Values.Any(c => c.Error is not null))
                {
                    _state = SaveState.Invalid;
                    return;
                }

                var dirty = _cells.Where(c => c.Value.Dirty).ToList();
                if (dirty.Count == 0)
                {
                    _state = SaveState.Saved;
                    return;
                }

                _state = SaveState.Saving;
                StateHasChanged();
                var sent = dirty.ToDictionary(d => d.Key, d => d.Value.Text);
                var caller = await Callers.CallerAsync((await AuthenticationState).User);
                var request = new SaveMarksRequest([.. dirty.Select(d => new MarkInput(d.Key.Assessment, d.Key.Student, d.Value.Status, d.Value.Points, d.Value.Version))]);
                var result = await Gradebooks.SaveAsync(caller, SectionId, request, CancellationToken.None);
                if (result.IsSuccess)
                {
                    foreach (var saved in result.Value!.Marks)
                    {
                        var cell = _cells[(saved.AssessmentId, saved.StudentId)];
                        cell.Version = saved.Version;
                        cell.By = saved.By;
                        // Typed over while saving: stays dirty, saved next time with the new version.
                        cell.Dirty = cell.Text != sent[(saved.AssessmentId, saved.StudentId)];
                    }

                    _message = null;
                    _state = _cells.Values.Any(c => c.Dirty) ? SaveState.Unsaved : SaveState.Saved;
                    if (_state == SaveState.Unsaved)
                    {
                        ScheduleSave();
                    }

                    return;
                }

                if (result.Error is Error.Conflict { Extensions: { } extensions } && extensions.TryGetValue("conflicts", out var list) && list is IEnumerable<SavedMark> conflicts)
                {
                    foreach (var theirs in conflicts)
                    {
                        var cell = _cells[(theirs.AssessmentId, theirs.StudentId)];
                        var mine = cell.Text;
                        cell.Text = CellText.Format(theirs.Status, theirs.Points);
                        (cell.Status, cell.Points, cell.Version, cell.By, cell.Error, cell.Dirty) = (theirs.Status, theirs.Points, theirs.Version, theirs.By, null, false);
                        cell.Note = T["{0} changed this to \"{1}\" while you were typing; yours was \"{2}\". Type it again to keep yours.", theirs.By ?? T["Someone"], cell.Text, mine];
                    }

                    _notice = T["Someone else changed {0} of these marks meanwhile: theirs are kept and marked; your other marks are saved.", conflicts.Count()];
                    Recompute();
                    continue;
                }

                _message = result.Error is Error.Validation v ? string.Join(" ", v.Errors.SelectMany(e => e.Value)) : result.Error!.Detail;
                _state = SaveState.Failed;
                return;
            }
        }
        finally
        {
            _saving.Release();
            StateHasChanged();
        }
    }

    private async Task PublishAsync(AssessmentView assessment, bool publish)
    {
        await RunAsync(async caller =>
        {
            var result = await TermGrades.PublishAssessmentAsync(caller, assessment.Id, publish, CancellationToken.None);
            _notice = result.IsSuccess ? (publish ? T["{0} is published: students and guardians see its marks.", assessment.Title].Value : T["{0} is hidden from students and guardians again.", assessment.Title].Value) : null;
            return result.Error;
        });
    }

    private async Task PublishTermGradesAsync()
    {
        await SaveAsync();
        await RunAsync(async caller =>
        {
            var result = await TermGrades.PublishTermGradesAsync(caller, SectionId, new PublishTermGradesRequest(null), CancellationToken.None);
            _notice = result.IsSuccess ? T["Term grades published: {0} new or changed, {1} already published.", result.Value!.Published, result.Value.Unchanged].Value : null;
            return result.Error;
        });
    }

    private void OpenTerm(GradebookStudent student)
    {
        _termStudent = student;
        var term = _terms[student.Id];
        (_override, _reason, _comment, _termErrors) = (term.OverrideGrade, term.OverrideReason, term.Comment, null);
    }

    private async Task SaveTermAsync()
    {
        if (_termStudent is not { } student)
        {
            return;
        }

        await RunAsync(async caller =>
        {
            var result = await TermGrades.SetAsync(caller, SectionId, student.Id, new TermGradeRequest(_override, _reason, _comment, _terms[student.Id].Version), CancellationToken.None);
            _termErrors = result.Error is Error.Validation v ? v.Errors : null;
            if (result.IsSuccess)
            {
                _termStudent = null;
                _notice = T["Term grade of {0} saved.", student.Name];
            }

            return result.Error is Error.Validation ? null : result.Error;
        });
    }

    private async Task ChooseScaleAsync(ChangeEventArgs e)
    {
        if (!int.TryParse(e.Value as string, out var scaleId) || _book is null || scaleId == _book.Scale.Id)
        {
            return;
        }

        await RunAsync(async caller =>
        {
            var result = await Setup.SetScaleAsync(caller, SectionId, new GradebookSettingsRequest(scaleId, _book.SettingsVersion), CancellationToken.None);
            _notice = result.IsSuccess ? T["Term grades now use the scale {0}.", _scales.First(s => s.Id == scaleId).Name].Value : null;
            return result.Error;
        });
    }

    private void EditAssessment(AssessmentView assessment)
    {
        _editing = assessment;
        (_aTitle, _aDate, _aMax, _aCategory, _aCounts, _aErrors) = (assessment.Title, assessment.Date, assessment.MaxPoints, assessment.CategoryId, assessment.Counts, null);
    }

    private void NewAssessment()
    {
        _editing = null;
        (_aTitle, _aDate, _aMax, _aCounts, _aErrors) = (null, _date, 20, true, null);
    }

    private async Task SaveAssessmentAsync()
    {
        var request = new AssessmentRequest(_aTitle, _aDate, _aMax, _aCategory == 0 ? null : _aCategory, _aCounts);
        await RunAsync(async caller =>
        {
            var result = _editing is null
                ? await Setup.AddAssessmentAsync(caller, SectionId, request, CancellationToken.None)
                : await Setup.EditAssessmentAsync(caller, _editing.Id, _editing.Version, request, CancellationToken.None);
            _aErrors = result.Error is Error.Validation v ? v.Errors : null;
            if (result.IsSuccess)
            {
                _notice = _editing is null ? T["{0} added.", result.Value!.Title] : T["{0} saved.", result.Value!.Title];
                NewAssessment();
            }

            return result.Error is Error.Validation ? null : result.Error;
        });
    }

    private async Task DeleteAssessmentAsync()
    {
        if (_editing is not { } assessment)
        {
            return;
        }

        await RunAsync(async caller =>
        {
            var result = await Setup.DeleteAssessmentAsync(caller, assessment.Id, CancellationToken.None);
            if (result.IsSuccess)
            {
                _notice = T["{0} deleted with its marks.", assessment.Title];
                NewAssessment();
            }

            return result.Error;
        });
    }

    private void EditCategory(CategoryView category)
    {
        _cEditing = category;
        (_cName, _cWeight, _cDrop, _cErrors) = (category.Name, category.Weight, category.DropLowest, null);
    }

    private void NewCategory()
    {
        _cEditing = null;
        (_cName, _cWeight, _cDrop, _cErrors) = (null, null, 0, null);
    }

    private async Task SaveCategoryAsync()
    {
        var request = new CategoryRequest(_cName, _cWeight, _cDrop, null);
        await RunAsync(async caller =>
        {
            var result = _cEditing is null
                ? await Setup.AddCategoryAsync(caller, SectionId, request, CancellationToken.None)
                : await Setup.EditCategoryAsync(caller, _cEditing.Id, _cEditing.Version, request with { Position = null }, CancellationToken.None);
            _cErrors = result.Error is Error.Validation v ? v.Errors : null;
            if (result.IsSuccess)
            {
                NewCategory();
            }

            return result.Error is Error.Validation ? null : result.Error;
        });
    }

    private async Task DeleteCategoryAsync(CategoryView category)
    {
        await RunAsync(async caller => (await Setup.DeleteCategoryAsync(caller, category.Id, CancellationToken.None)).Error);
    }

    /// <summary>Runs one action through its handler, shows its refusal if any, and reads the gradebook again.</summary>
    private async Task RunAsync(Func<Caller, Task<Error?>> action)
    {
        _busy = true;
        _message = null;
        try
        {
            var caller = await Callers.CallerAsync((await AuthenticationState).User);
            var error = await action(caller);
            _message = error?.Detail;
            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private static void Apply(Cell cell, CellValue value)
    {
        cell.Error = value.Error;
        if (value.IsValid)
        {
            (cell.Status, cell.Points) = (value.Status, value.Points);
        }
    }

    private string CategoryName(int id) => _book?.Categories.FirstOrDefault(c => c.Id == id)?.Name ?? "";

    private static string CellClass(Cell cell) =>
        cell.Error is not null ? "ly-gb-cell ly-gb-bad"
        : cell.Note is not null ? "ly-gb-cell ly-gb-conflict"
        : cell.Dirty ? "ly-gb-cell ly-gb-dirty"
        : cell.Status is MarkStatus.Missing ? "ly-gb-cell ly-gb-missing"
        : cell.Status is MarkStatus.Excused ? "ly-gb-cell ly-gb-excused"
        : cell.Status is MarkStatus.Late ? "ly-gb-cell ly-gb-late"
        : "ly-gb-cell";

    private static string Pct(decimal? value) => value is { } v ? CellText.Format(v) + "%" : "–";

    private async Task DetachAsync()
    {
        if (_grid is not null)
        {
            try
            {
                await _grid.InvokeVoidAsync("dispose");
                await _grid.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
            }

            _grid = null;
        }

        _attached = false;
    }

    public async ValueTask DisposeAsync()
    {
        _pending?.Cancel();
        await DetachAsync();
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

        _self?.Dispose();
        _pending?.Dispose();
        _saving.Dispose();
    }

    private sealed class Cell
    {
        public string Text { get; set; } = "";

        public MarkStatus? Status { get; set; }

        public decimal? Points { get; set; }

        public Guid? Version { get; set; }

        public string? By { get; set; }

        public string? Error { get; set; }

        /// <summary>Someone else's value replaced the teacher's: what happened, shown on the cell.</summary>
        public string? Note { get; set; }

        public bool Dirty { get; set; }
    }
}

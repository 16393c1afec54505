using Lyceum.Modules.Behaviour;
using Lyceum.Modules.Behaviour.Rules;
using static Lyceum.Modules.Behaviour.BehaviourRuleMeasure;

namespace Lyceum.UnitTests.Modules.Behaviour;

/// <summary>What a rule counts: the window, the reset after a firing, the measure and the type.</summary>
public sealed class RuleCountingTests
{
    private static readonly DateTime Now = new(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc);

    private static BehaviourEvent Bad(double daysAgo, int points = -1, int type = 1, DateTime? recorded = null) =>
        new(BehaviourEventKind.Incident, Now.AddDays(-daysAgo), type, BehaviourPolarity.Negative, points, recorded);

    private static BehaviourEvent Praise(double daysAgo, int points = 2, int type = 9) =>
        new(BehaviourEventKind.Incident, Now.AddDays(-daysAgo), type, BehaviourPolarity.Positive, points);

    private static BehaviourEvent Missed(double daysAgo, DateTime? marked = null) =>
        new(BehaviourEventKind.MissedDetention, Now.AddDays(-daysAgo), RecordedAt: marked);

    [Fact]
    public void The_third_negative_incident_within_the_window_reaches_a_threshold_of_three()
    {
        var rule = new RuleSpec(Incidents, null, 3, 7);
        List<BehaviourEvent> history = [Bad(5), Praise(4), Bad(1)];

        Assert.False(RuleCounting.Fires(rule, Now, null, history));
        history.Add(Bad(0));
        Assert.True(RuleCounting.Fires(rule, Now, null, history));
        Assert.Equal(3, RuleCounting.Count(rule, Now, null, history));
    }

    [Fact]
    public void Events_older_than_the_window_do_not_count()
    {
        var rule = new RuleSpec(Incidents, null, 3, 7);

        Assert.Equal(2, RuleCounting.Count(rule, Now, null, [Bad(8), Bad(6.9), Bad(0)]));
        Assert.Equal(1, RuleCounting.Count(rule, Now, null, [Bad(7.01), Bad(0)]));
    }

    [Fact]
    public void After_a_firing_only_what_was_recorded_later_counts_so_one_run_fires_once()
    {
        var rule = new RuleSpec(Incidents, null, 3, 7);
        var fired = Now.AddDays(-1);
        List<BehaviourEvent> history = [Bad(3), Bad(2), Bad(1.5)];

        Assert.Equal(0, RuleCounting.Count(rule, Now, fired, history));
        // Logged after the firing, although it happened before: counts (once).
        history.Add(Bad(2, recorded: Now.AddHours(-1)));
        history.Add(Bad(0));
        Assert.Equal(2, RuleCounting.Count(rule, Now, fired, history));
    }

    [Fact]
    public void Negative_points_sum_magnitudes_of_negative_incidents_of_the_type_when_one_is_named()
    {
        List<BehaviourEvent> history = [Bad(1, -3, type: 1), Bad(1, -2, type: 2), Praise(1, 5), Bad(1, 0, type: 1)];

        Assert.Equal(5, RuleCounting.Count(new RuleSpec(NegativePoints, null, 5, 7), Now, null, history));
        Assert.Equal(3, RuleCounting.Count(new RuleSpec(NegativePoints, 1, 5, 7), Now, null, history));
        Assert.True(RuleCounting.Fires(new RuleSpec(NegativePoints, null, 5, 7), Now, null, history));
        Assert.False(RuleCounting.Fires(new RuleSpec(NegativePoints, 1, 5, 7), Now, null, history));
    }

    [Fact]
    public void Incidents_of_a_named_type_count_whatever_their_polarity_and_without_one_only_negative_ones()
    {
        List<BehaviourEvent> history = [Praise(1, type: 9), Praise(2, type: 9), Bad(1, type: 1), Bad(1, 0, type: 1)];

        Assert.Equal(2, RuleCounting.Count(new RuleSpec(Incidents, 9, 2, 7), Now, null, history));
        Assert.Equal(2, RuleCounting.Count(new RuleSpec(Incidents, null, 2, 7), Now, null, history));
        Assert.Equal(2, RuleCounting.Count(new RuleSpec(Incidents, 1, 2, 7), Now, null, history));
    }

    [Fact]
    public void Missed_detentions_count_only_themselves_and_again_after_a_firing_once_marked_later()
    {
        var rule = new RuleSpec(MissedDetentions, null, 1, 30);
        var fired = Now.AddDays(-3);
        List<BehaviourEvent> history = [Bad(1), Missed(10, marked: Now.AddDays(-9))];

        Assert.True(RuleCounting.Fires(rule, Now, null, history));
        Assert.False(RuleCounting.Fires(rule, Now, fired, history));
        history.Add(Missed(1, marked: Now.AddHours(-2)));
        Assert.True(RuleCounting.Fires(rule, Now, fired, history));
    }

    [Fact]
    public void A_firing_is_recorded_no_earlier_than_what_it_counted()
    {
        var rule = new RuleSpec(Incidents, null, 1, 7);

        Assert.Equal(Now, RuleCounting.FiredAt(rule, Now, null, [Bad(1)]));
        Assert.Equal(Now.AddMinutes(2), RuleCounting.FiredAt(rule, Now, null, [Bad(0, recorded: Now.AddMinutes(2))]));
    }

    [Fact]
    public void The_next_school_day_skips_the_weekend()
    {
        Assert.Equal(new DateOnly(2026, 11, 27), SchoolTime.NextSchoolDay(new DateOnly(2026, 11, 26)));
        Assert.Equal(new DateOnly(2026, 11, 30), SchoolTime.NextSchoolDay(new DateOnly(2026, 11, 27)));
        Assert.Equal(new DateOnly(2026, 11, 30), SchoolTime.NextSchoolDay(new DateOnly(2026, 11, 28)));
    }
}

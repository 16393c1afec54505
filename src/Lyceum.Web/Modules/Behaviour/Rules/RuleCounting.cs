namespace Lyceum.Modules.Behaviour.Rules;

/// <summary>What a rule counts from: a student's incident (its ledger line) or a detention they missed.</summary>
public enum BehaviourEventKind
{
    Incident,
    MissedDetention,
}

/// <summary>
/// One event in a student's behaviour history as the rules see it. <paramref name="At"/> is when it happened (an
/// incident's time, a detention's start): the window counts back from now over it. <paramref name="RecordedAt"/> is
/// when the school learnt of it (an incident logged, a detention marked missed; default <paramref name="At"/>): a rule
/// counts only what was recorded after it last fired, so a late entry still counts once. <paramref name="Points"/> is
/// the signed ledger value of an incident.
/// </summary>
public sealed record BehaviourEvent(
    BehaviourEventKind Kind, DateTime At, int? TypeId = null, BehaviourPolarity Polarity = BehaviourPolarity.Negative, int Points = 0,
    DateTime? RecordedAt = null)
{
    public DateTime Recorded => RecordedAt ?? At;
}

/// <summary>The parts of a rule that decide whether it fires.</summary>
public sealed record RuleSpec(BehaviourRuleMeasure Measure, int? TypeId, int Threshold, int WindowDays)
{
    public static RuleSpec Of(BehaviourRule rule) => new(rule.Measure, rule.TypeId, rule.Threshold, rule.WindowDays);
}

/// <summary>
/// The counting of the rules engine, free of the database: which of a student's events a rule counts, how many, and
/// whether that reaches the threshold. A rule counts the events that happened in the last <see cref="RuleSpec.WindowDays"/>
/// days and were recorded after it last fired for the student, so a run of incidents fires once and the count starts again.
/// </summary>
public static class RuleCounting
{
    /// <summary>The events the rule counts now: within its window, after its last firing, of its measure (and type).</summary>
    public static IEnumerable<BehaviourEvent> Counted(RuleSpec rule, DateTime now, DateTime? lastFiring, IEnumerable<BehaviourEvent> events)
    {
        var from = now.AddDays(-rule.WindowDays);
        return events.Where(e => e.At >= from && (lastFiring is not { } fired || e.Recorded > fired) && Matches(rule, e));
    }

    /// <summary>The rule's measure over <see cref="Counted"/>: negative points (as a magnitude), incidents, or missed detentions.</summary>
    public static int Count(RuleSpec rule, DateTime now, DateTime? lastFiring, IEnumerable<BehaviourEvent> events)
    {
        var counted = Counted(rule, now, lastFiring, events);
        return rule.Measure == BehaviourRuleMeasure.NegativePoints ? counted.Sum(e => -e.Points) : counted.Count();
    }

    public static bool Fires(RuleSpec rule, DateTime now, DateTime? lastFiring, IEnumerable<BehaviourEvent> events) =>
        Count(rule, now, lastFiring, events) >= rule.Threshold;

    /// <summary>
    /// The moment a firing is recorded at: now, or the latest counted event's record if that lies ahead (another
    /// node's clock running fast), so that nothing counted for this firing counts again.
    /// </summary>
    public static DateTime FiredAt(RuleSpec rule, DateTime now, DateTime? lastFiring, IEnumerable<BehaviourEvent> events) =>
        Counted(rule, now, lastFiring, events).Select(e => e.Recorded).Append(now).Max();

    /// <summary>
    /// Whether a rule looks at an event at all. Points: negative incidents (of the type, if the rule names one).
    /// Incidents: of the rule's type, whatever its polarity (a school may alert on praise too), or else any negative one.
    /// Missed detentions: those only.
    /// </summary>
    private static bool Matches(RuleSpec rule, BehaviourEvent e) => rule.Measure switch
    {
        BehaviourRuleMeasure.NegativePoints => e.Kind == BehaviourEventKind.Incident && e.Polarity == BehaviourPolarity.Negative && e.Points < 0
                                              && (rule.TypeId is not { } type || e.TypeId == type),
        BehaviourRuleMeasure.Incidents => e.Kind == BehaviourEventKind.Incident
                                          && (rule.TypeId is { } type ? e.TypeId == type : e.Polarity == BehaviourPolarity.Negative),
        BehaviourRuleMeasure.MissedDetentions => e.Kind == BehaviourEventKind.MissedDetention,
        _ => false,
    };
}

using Lyceum.Modules.Tutoring;
using Lyceum.Modules.Tutoring.Finance;

namespace Lyceum.UnitTests.Modules.Tutoring.Finance;

public sealed class TutoringPricingTests
{
    private const int Ann = 1;
    private const int Bob = 2;
    private const int Tess = 10;
    private const int Tom = 11;

    private static readonly TutoringRate[] Rates =
    [
        new() { HourlyRate = 20m },
        new() { Subject = "Maths", HourlyRate = 25m },
        new() { TutorId = Tess, HourlyRate = 30m },
        new() { TutorId = Tess, Subject = "maths", HourlyRate = 35m },
        new() { StudentId = Ann, HourlyRate = 40m },
        new() { StudentId = Ann, TutorId = Tom, HourlyRate = 45m },
    ];

    private static TutoringSession Session(int tutor, string subject, int minutes = 60, decimal? rateOverride = null)
    {
        var start = new DateTime(2031, 10, 6, 15, 0, 0, DateTimeKind.Utc);
        return new TutoringSession { TutorId = tutor, Subject = subject, StartUtc = start, EndUtc = start.AddMinutes(minutes), TimeZone = "Europe/London", RateOverride = rateOverride };
    }

    [Theory]
    [InlineData(Bob, Tom, "French", 20)]   // nothing specific: the school's default
    [InlineData(Bob, Tom, "MATHS", 25)]    // the subject's, whatever the case
    [InlineData(Bob, Tess, "French", 30)]  // the tutor's beats the subject's
    [InlineData(Bob, Tess, "Maths", 35)]   // tutor and subject beat the tutor alone
    [InlineData(Ann, Tess, "Maths", 40)]   // the student's beats any tutor or subject
    [InlineData(Ann, Tom, "Maths", 45)]    // student and tutor beat the student alone
    public void The_most_specific_matching_rate_prices_a_session(int student, int tutor, string subject, decimal expected) =>
        Assert.Equal(expected, TutoringPricing.RateFor(Rates, Session(tutor, subject), student));

    [Fact]
    public void A_sessions_own_rate_beats_every_school_rate() =>
        Assert.Equal(12.5m, TutoringPricing.RateFor(Rates, Session(Tess, "Maths", rateOverride: 12.5m), Ann));

    [Fact]
    public void Without_a_matching_rate_there_is_no_price() =>
        Assert.Null(TutoringPricing.RateFor([new TutoringRate { StudentId = Ann, HourlyRate = 40m }], Session(Tess, "Maths"), Bob));

    [Theory]
    [InlineData(60, 30, 30)]
    [InlineData(90, 30, 45)]
    [InlineData(45, 25, 18.75)]
    [InlineData(50, 33.33, 27.78)]   // 27.775 rounds half away from zero
    [InlineData(20, 0.05, 0.02)]     // 0.01666… to the cent
    [InlineData(0, 30, 0)]
    public void An_amount_is_the_rate_times_the_hours_to_the_cent(int minutes, decimal rate, decimal expected) =>
        Assert.Equal(expected, TutoringPricing.Amount(rate, Session(Tess, "Maths", minutes)));

    [Theory]
    [InlineData(1234.5, "GBP", "£1,234.50")]
    [InlineData(0, "EUR", "€0.00")]
    [InlineData(-5, "EUR", "-€5.00")]
    [InlineData(10, "XYZ", "10.00 XYZ")]
    public void Money_is_written_with_its_currency(decimal amount, string currency, string expected) =>
        Assert.Equal(expected, Money.Format(amount, currency));
}

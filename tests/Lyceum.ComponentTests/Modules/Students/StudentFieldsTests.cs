using Lyceum.Components.Shared;
using Lyceum.Modules.Students.EditStudent;

namespace Lyceum.ComponentTests.Modules.Students;

public sealed class StudentFieldsTests : LyceumComponentContext
{
    [Fact]
    public void A_message_stands_under_its_own_field_which_points_at_it()
    {
        var errors = new Dictionary<string, string[]> { ["email"] = ["Must be an e-mail address such as name@example.org."] };

        var fields = Render<StudentFields>(p => p.Add(c => c.Model, new StudentForm { Email = "nope" }).Add(c => c.Errors, errors));

        var email = fields.Find("#email");
        Assert.Equal("true", email.GetAttribute("aria-invalid"));
        Assert.Equal("Must be an e-mail address such as name@example.org.", fields.Find($"#{email.GetAttribute("aria-describedby")}").TextContent.Trim());
        Assert.Null(fields.Find("#first-name").GetAttribute("aria-invalid"));
        Assert.Null(fields.Find("#first-name").GetAttribute("aria-describedby"));
        Assert.Single(fields.FindAll(".ly-field-error"));
    }

    [Fact]
    public void Every_field_has_a_label()
    {
        var fields = Render<StudentFields>(p => p.Add(c => c.Model, new StudentForm()));

        var labelled = fields.FindAll("label[for]").Select(l => l.GetAttribute("for")).ToHashSet();
        Assert.All(fields.FindAll("input, select, textarea"), input => Assert.Contains(input.Id, labelled));
    }

    [Fact]
    public void The_summary_names_each_field_with_its_message_or_shows_the_one_problem()
    {
        var errors = new Dictionary<string, string[]> { ["lastName"] = ["This field is required."] };

        var summary = Render<ErrorSummary>(p => p.Add(c => c.Errors, errors).Add(c => c.Labels, f => f == "lastName" ? "Last name" : f));
        Assert.Equal("Last name: This field is required.", summary.Find("[role=alert] li").TextContent);

        var problem = Render<ErrorSummary>(p => p.Add(c => c.Errors, errors).Add(c => c.Problem, "Changed by someone else.").Add(c => c.Labels, f => f));
        Assert.Equal("Changed by someone else.", problem.Find("[role=alert]").TextContent);
        Assert.Empty(problem.FindAll("li"));
    }
}

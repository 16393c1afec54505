using System.Net.Http.Json;
using Lyceum.IntegrationTests.Infrastructure;
using Lyceum.Modules.Messaging;
using Lyceum.Platform.Data;
using Lyceum.Platform.Events;
using Lyceum.Platform.Identity;
using Microsoft.EntityFrameworkCore;

namespace Lyceum.IntegrationTests.Modules.Messaging;

/// <summary>The shared app has no SMS gateway configured: texts are not sent, and the delivery log says so.</summary>
[Collection("app")]
public sealed class SmsWithoutGatewayTests(AppFixture fixture)
{
    [Theory, AllProviders]
    public async Task Without_a_gateway_a_text_is_recorded_as_skipped_not_sent(DatabaseProvider provider)
    {
        var app = await fixture.App(provider);
        var (email, password) = await app.CreateUserAsync(RoleNames.Guardian, "Gina Guardian");
        var user = await app.UserIdAsync(email);
        await app.QueryAsync(db => db.Users.Where(u => u.Id == user).ExecuteUpdateAsync(s => s.SetProperty(u => u.PhoneNumber, "+30 694 000 0123")));
        using var client = app.ClientWithToken(await app.TokenAsync(email, password));
        await (await client.PutAsJsonAsync("/api/v1/notifications/preferences", new { types = new { detention = new { sms = true, email = false } } })).JsonAsync();

        await MessagingApps.NotifyAsync(app, EventTypes.DetentionScheduled, "Detention on Friday", null, null, null, user);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        Delivery? delivery = null;
        while (DateTime.UtcNow < deadline)
        {
            delivery = await app.QueryAsync(db => db.Deliveries.SingleOrDefaultAsync(d => d.UserId == user && d.Channel == DeliveryChannel.Sms));
            if (delivery is { Status: not DeliveryStatus.Pending })
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.NotNull(delivery);
        Assert.Equal(DeliveryStatus.Skipped, delivery.Status);
        Assert.Equal("No SMS gateway configured.", delivery.LastError);
        Assert.Null(delivery.SentAt);
        Assert.Equal(0, delivery.Attempts);
    }
}

using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Lyceum.Modules.Messaging.Dispatch;

/// <summary>
/// The site's address for links in mail and texts, sent when no request is at hand: <c>Lyceum:PublicUrl</c> (set it in
/// production, behind a proxy), else the address this node listens on.
/// </summary>
public sealed class SiteAddress(IConfiguration configuration, IServer server)
{
    public Uri Current
    {
        get
        {
            if (configuration["Lyceum:PublicUrl"] is { Length: > 0 } configured && Uri.TryCreate(configured.TrimEnd('/') + "/", UriKind.Absolute, out var url))
            {
                return url;
            }

            var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            if (listening is not null && Uri.TryCreate(listening.Replace("://+", "://localhost").Replace("://*", "://localhost").Replace("://0.0.0.0", "://localhost").Replace("://[::]", "://localhost"), UriKind.Absolute, out var own))
            {
                return new Uri(own.GetLeftPart(UriPartial.Authority) + "/");
            }

            return new Uri("http://localhost:5000/");
        }
    }
}

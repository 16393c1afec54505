using Microsoft.Extensions.DependencyInjection;
using Radzen;

namespace Lyceum.ComponentTests;

/// <summary>A bUnit context with what Lyceum's components expect: localized texts (English) and Radzen.</summary>
public abstract class LyceumComponentContext : BunitContext
{
    protected LyceumComponentContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddLocalization(o => o.ResourcesPath = "Resources");
        Services.AddRadzenComponents();
    }
}

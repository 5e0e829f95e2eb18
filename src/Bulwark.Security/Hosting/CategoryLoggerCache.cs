using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bulwark.Security.Hosting;

/// <summary>
/// Issue 7 hot path: one logger per category. Serilog's logger factory builds a new logger on every
/// <see cref="ILoggerFactory.CreateLogger"/> (a contextual copy of the pipeline and its own event-id cache, ~2.5 KB),
/// and the framework's authentication handlers are transient: each request's handlers (the policy scheme and the
/// bearer handler) asked for two. A logger holds no per-call state, so the first one of a category serves every later
/// call. Written here because neither Serilog nor Microsoft.Extensions.Logging caches behind a replaced factory.
/// </summary>
internal sealed class CategoryLoggerCache(ILoggerFactory inner, bool ownsInner) : ILoggerFactory
{
    /// <summary>Categories come from code (type names); a factory asked for more than this stops caching new ones.</summary>
    internal const int MaxCategories = 4096;

    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName)
    {
        if (_loggers.TryGetValue(categoryName, out var logger))
        {
            return logger;
        }

        logger = inner.CreateLogger(categoryName);
        return _loggers.Count < MaxCategories ? _loggers.GetOrAdd(categoryName, logger) : logger;
    }

    public void AddProvider(ILoggerProvider provider)
    {
        inner.AddProvider(provider);
        _loggers.Clear();   // loggers made before the provider was added are made again
    }

    public void Dispose()
    {
        if (ownsInner)
        {
            inner.Dispose();
        }
    }

    /// <summary>Wraps the <see cref="ILoggerFactory"/> registered last (call after the logging setup).</summary>
    public static void Decorate(IServiceCollection services)
    {
        var original = services.LastOrDefault(d => d.ServiceType == typeof(ILoggerFactory) && !d.IsKeyedService)
                       ?? throw new InvalidOperationException("No ILoggerFactory is registered.");
        services.Remove(original);
        services.AddSingleton<ILoggerFactory>(sp => original switch
        {
            // A registered instance is the registrant's to dispose; a factory's or a type's product is the container's.
            { ImplementationInstance: ILoggerFactory instance } => new CategoryLoggerCache(instance, ownsInner: false),
            { ImplementationFactory: { } factory } => new CategoryLoggerCache((ILoggerFactory)factory(sp), ownsInner: true),
            _ => new CategoryLoggerCache((ILoggerFactory)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!), ownsInner: true),
        });
    }
}

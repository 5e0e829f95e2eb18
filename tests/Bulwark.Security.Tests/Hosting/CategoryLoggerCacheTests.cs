using Bulwark.Security.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bulwark.Security.Tests.Hosting;

/// <summary>Issue 7: one logger per category behind the host's factory; every logger still reaches the providers.</summary>
public sealed class CategoryLoggerCacheTests
{
    [Fact]
    public void OneCategory_GetsOneLogger_AndItWritesThroughTheInnerFactory()
    {
        var provider = new RecordingProvider();
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(_ => new LoggerFactory([provider]));
        CategoryLoggerCache.Decorate(services);
        using var container = services.BuildServiceProvider();
        var factory = container.GetRequiredService<ILoggerFactory>();

        var first = factory.CreateLogger("Bulwark.A");
        var second = factory.CreateLogger("Bulwark.A");
        var other = factory.CreateLogger("Bulwark.B");
        Write(first, "one");
        Write(second, "two");
        Write(other, "three");

        Assert.Same(first, second);
        Assert.NotSame(first, other);
        Assert.Equal(2, provider.Created);   // the inner factory was asked once per category
        Assert.Equal(["Bulwark.A:one", "Bulwark.A:two", "Bulwark.B:three"], provider.Lines);
    }

    [Fact]
    public void AnInnerFactoryMadeByTheContainer_IsDisposedWithIt_ARegisteredInstanceIsLeftToItsOwner()
    {
        var made = new DisposalProbe();
        var given = new DisposalProbe();
        var fromFactory = new ServiceCollection().AddSingleton<ILoggerFactory>(_ => made);
        var fromInstance = new ServiceCollection().AddSingleton<ILoggerFactory>(given);
        CategoryLoggerCache.Decorate(fromFactory);
        CategoryLoggerCache.Decorate(fromInstance);

        using (var container = fromFactory.BuildServiceProvider())
        {
            Assert.IsType<CategoryLoggerCache>(container.GetRequiredService<ILoggerFactory>());
        }

        using (var container = fromInstance.BuildServiceProvider())
        {
            Assert.IsType<CategoryLoggerCache>(container.GetRequiredService<ILoggerFactory>());
        }

        Assert.True(made.Disposed);
        Assert.False(given.Disposed);
    }

    [Fact]
    public void AddingAProvider_MakesLoggersAgain_SoTheyReachIt()
    {
        var late = new RecordingProvider();
        var inner = new ProvidersAtCreation();   // like Serilog's: a logger writes to the providers known when it was made
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(_ => inner);
        CategoryLoggerCache.Decorate(services);
        using var container = services.BuildServiceProvider();
        var factory = container.GetRequiredService<ILoggerFactory>();
        Write(factory.CreateLogger("Bulwark.A"), "unseen");

        factory.AddProvider(late);
        Write(factory.CreateLogger("Bulwark.A"), "seen");

        Assert.Equal(["Bulwark.A:seen"], late.Lines);
    }

    private static void Write(ILogger logger, string text) => logger.Log(LogLevel.Warning, default, text, null, (state, _) => state);

    private sealed class RecordingProvider : ILoggerProvider
    {
        public List<string> Lines { get; } = [];

        public int Created { get; private set; }

        public ILogger CreateLogger(string categoryName)
        {
            Created++;
            return new Recorder(categoryName, Lines);
        }

        public void Dispose()
        {
        }

        private sealed class Recorder(string category, List<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Add($"{category}:{formatter(state, exception)}");
        }
    }

    private sealed class DisposalProbe : ILoggerFactory
    {
        public bool Disposed { get; private set; }

        public ILogger CreateLogger(string categoryName) => Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose() => Disposed = true;
    }

    private sealed class ProvidersAtCreation : ILoggerFactory
    {
        private readonly List<ILoggerProvider> _providers = [];

        public ILogger CreateLogger(string categoryName) => new Fanout([.. _providers.Select(p => p.CreateLogger(categoryName))]);

        public void AddProvider(ILoggerProvider provider) => _providers.Add(provider);

        public void Dispose()
        {
        }

        private sealed class Fanout(ILogger[] loggers) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                foreach (var logger in loggers)
                {
                    logger.Log(logLevel, eventId, state, exception, formatter);
                }
            }
        }
    }
}

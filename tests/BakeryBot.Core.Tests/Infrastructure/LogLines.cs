using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BakeryBot.Core.Tests.Infrastructure;

/// <summary>Keeps the log lines of a test app from Information up, to assert what the bot logged.</summary>
public sealed class LogLines : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentQueue<IReadOnlyDictionary<string, object?>> _scopes = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>The lines logged as errors (or worse).</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    /// <summary>The scopes begun with key-value state (what structured log lines carry), in order.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Scopes => [.. _scopes];

    /// <summary>For <see cref="CoreTestApp.CreateAsync"/>'s configure: logs to this from Information up.</summary>
    public void AddTo(IServiceCollection services) =>
        services.AddLogging(b => b.AddProvider(this).SetMinimumLevel(LogLevel.Information));

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(LogLines owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                owner._scopes.Enqueue(pairs.ToDictionary(p => p.Key, p => p.Value));
            }

            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = formatter(state, exception);
            owner._lines.Enqueue(line);
            if (logLevel >= LogLevel.Error)
            {
                owner._errors.Enqueue(line);
            }
        }
    }
}

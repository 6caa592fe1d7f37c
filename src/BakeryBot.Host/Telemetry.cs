using BakeryBot.Core.Data.Outbox;
using BakeryBot.Core.Telemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace BakeryBot.Host;

/// <summary>The <c>Telemetry</c> section: where traces and metrics go.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>An OTLP collector (<c>http://otel-collector:4317</c>): traces and metrics are exported to it when set.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Serve the metrics for Prometheus to scrape at <c>/metrics</c>.</summary>
    public bool Prometheus { get; set; } = true;
}

/// <summary>OpenTelemetry for the bot: its own meters and traces, ASP.NET Core's requests, and outgoing HTTP calls (the platforms' APIs).</summary>
public static class Telemetry
{
    public static WebApplicationBuilder AddBakeryTelemetry(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        Uri? otlp = null;
        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint) && !Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out otlp))
        {
            throw new InvalidOperationException($"{TelemetryOptions.Section}:{nameof(TelemetryOptions.OtlpEndpoint)} must be an absolute URL, like http://otel-collector:4317.");
        }

        builder.Services.Configure<TelemetryOptions>(builder.Configuration.GetSection(TelemetryOptions.Section));
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("bakerybot"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(BakeryTelemetry.Name, OutboxDispatcher.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation();
                if (options.Prometheus)
                {
                    metrics.AddPrometheusExporter();
                }

                if (otlp is not null)
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(BakeryTelemetry.Name)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation();
                if (otlp is not null)
                {
                    tracing.AddOtlpExporter(o => o.Endpoint = otlp);
                }
            });
        return builder;
    }

    public static WebApplication MapBakeryTelemetry(this WebApplication app)
    {
        if (app.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>()?.Prometheus ?? true)
        {
            app.MapPrometheusScrapingEndpoint("/metrics");
        }

        return app;
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using BakeryBot.Core.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BakeryBot.Core.Tests.Synthetic;

/// <summary>
/// What synthetic checks probe in tests: a web server on 127.0.0.1 whose paths answer what the test
/// says (a status code, or <see cref="Hang"/> to never answer), counting the requests of each path.
/// </summary>
public sealed class FakeTarget : IAsyncDisposable
{
    /// <summary>Answer nothing until the client gives up.</summary>
    public const int Hang = -1;

    private readonly ConcurrentDictionary<string, int> _answers = new();
    private readonly ConcurrentDictionary<string, int> _requests = new();
    private WebApplication? _app;

    public string BaseUrl { get; private set; } = "";

    public static async Task<FakeTarget> StartAsync()
    {
        var target = new FakeTarget();
        (target._app, target.BaseUrl) = await LocalServer.StartAsync(app => app.Run(target.AnswerAsync));
        return target;
    }

    /// <summary>A URL that refuses connections: a port nothing listens on.</summary>
    public static string RefusingUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}/health";
    }

    public string Url(string path) => $"{BaseUrl}/{path}";

    /// <summary>From now on, <paramref name="path"/> answers <paramref name="status"/> (or <see cref="Hang"/>s).</summary>
    public void Answer(string path, int status) => _answers[path] = status;

    public int Requests(string path) => _requests.GetValueOrDefault(path);

    private async Task AnswerAsync(HttpContext http)
    {
        var path = http.Request.Path.Value!.TrimStart('/');
        _requests.AddOrUpdate(path, 1, (_, n) => n + 1);
        var status = _answers.GetValueOrDefault(path, 200);
        if (status == Hang)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMinutes(1), http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The probe gave up, as it should.
            }

            return;
        }

        if (status is >= 300 and < 400)
        {
            http.Response.Headers.Location = "/elsewhere";
        }

        http.Response.StatusCode = status;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

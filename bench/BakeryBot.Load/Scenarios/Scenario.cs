using BakeryBot.Load.Processes;
using BakeryBot.Load.Running;

namespace BakeryBot.Load.Scenarios;

/// <summary>
/// One kind of request measured: what is set up first (untimed), the requests of each phase (prepared
/// right before it, untimed), how an answer is judged, and how much of the work landed in the database.
/// </summary>
public abstract class Scenario
{
    public abstract string Name { get; }

    /// <summary>One line on what a request does.</summary>
    public abstract string Description { get; }

    /// <summary>What a unit of landed work is called in the check after the phases ("incidents", "votes").</summary>
    public abstract string WorkName { get; }

    /// <summary>The most requests a closed-loop second may need (more are not prepared; a phase that runs out ends early and says so).</summary>
    public virtual int ClosedLoopPerSecond => 15_000;

    /// <summary>Requests to prepare per closed-loop second in this run (by default <see cref="ClosedLoopPerSecond"/>).</summary>
    public virtual int ClosedLoopBudget(LoadContext ctx) => ClosedLoopPerSecond;

    /// <summary>Where the requests go (the bot, unless the scenario has its own server).</summary>
    public virtual ChildProcess Server(LoadContext ctx) => ctx.Bot;

    public virtual bool IsBot => true;

    /// <summary>Whether each request writes a unit of work (<see cref="LandedAsync"/> counts them); a read-only one must leave the count alone.</summary>
    public virtual bool Writes => true;

    public virtual Task PrepareAsync(LoadContext ctx) => Task.CompletedTask;

    /// <summary>The requests of one phase (<c>warm</c>, <c>closed</c> or <c>open</c>): unique, signed, ready to send.</summary>
    public abstract Task<IReadOnlyList<LoadRequest>> RequestsAsync(LoadContext ctx, string phase, int count);

    public abstract string? Check(int status, byte[] body);

    /// <summary>Units of work in the database now.</summary>
    public abstract Task<long> LandedAsync(LoadContext ctx);

    public virtual ValueTask CleanUpAsync() => ValueTask.CompletedTask;
}

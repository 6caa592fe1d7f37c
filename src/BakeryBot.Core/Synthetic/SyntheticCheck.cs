using BakeryBot.Core.Cmdb;
using BakeryBot.Core.Incidents;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BakeryBot.Core.Synthetic;

/// <summary>Settings of synthetic checks (section <c>Synthetic</c>), checked when the bot starts.</summary>
public sealed class SyntheticOptions
{
    public const string Section = "Synthetic";

    /// <summary>How often each CI with a <c>check_url</c> is probed (and the synthetic-checks job runs).</summary>
    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a probe waits for an answer before it counts as down; shorter than <see cref="CheckEvery"/>.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many failed probes in a row open an incident.</summary>
    public int FailuresToOpen { get; set; } = 3;
}

/// <summary>What the latest probe of a check found.</summary>
public enum SyntheticStatus
{
    /// <summary>Not probed yet (or since its URL changed).</summary>
    Unknown,
    Up,
    Down,
}

/// <summary>
/// The synthetic check of a CI with a <c>check_url</c>: its URL, where an incident it opens is
/// posted (the conversation the URL was set in), when it is due next (<see cref="NextCheckAt"/>, the
/// row a run claims) and what the probes found. One per CI.
/// </summary>
public sealed class SyntheticCheck
{
    public const int ErrorMaxLength = 200;

    public int Id { get; set; }

    public int TenantId { get; set; }

    public int CiId { get; set; }

    public required string Url { get; set; }

    /// <summary>Where the URL was set, and an incident it opens is posted; none when it came from elsewhere (an import).</summary>
    public string? Platform { get; set; }

    public string? ChannelId { get; set; }

    /// <summary>When it is due: a run claims it by moving this a <see cref="SyntheticOptions.CheckEvery"/> on, with <see cref="Round"/>.</summary>
    public DateTimeOffset NextCheckAt { get; set; }

    /// <summary>Bumped by each claim: a probe's result is recorded only while the round it claimed is the latest.</summary>
    public int Round { get; set; }

    public int ConsecutiveFailures { get; set; }

    public SyntheticStatus LastStatus { get; set; }

    /// <summary>Since when it has had <see cref="LastStatus"/> (up since, down since).</summary>
    public DateTimeOffset? StatusSince { get; set; }

    public DateTimeOffset? LastCheckedAt { get; set; }

    /// <summary>What the latest failed probe got (<c>HTTP 503</c>, <c>timed out</c>, <c>connection refused</c>); null once up.</summary>
    public string? LastError { get; set; }

    /// <summary>The incident this outage opened, until the first probe that finds the CI up again.</summary>
    public int? OpenIncidentId { get; set; }
}

internal sealed class SyntheticCheckMapping : IEntityTypeConfiguration<SyntheticCheck>
{
    public void Configure(EntityTypeBuilder<SyntheticCheck> b)
    {
        b.ToTable("SyntheticChecks");
        b.Property(c => c.Url).HasMaxLength(500);
        b.Property(c => c.Platform).HasMaxLength(32);
        b.Property(c => c.ChannelId).HasMaxLength(Data.ChatIds.MaxLength);
        b.Property(c => c.LastStatus).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.LastError).HasMaxLength(SyntheticCheck.ErrorMaxLength);
        b.HasIndex(c => c.CiId).IsUnique();
        b.HasIndex(c => c.NextCheckAt);
        b.HasOne<People.Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<ConfigurationItem>().WithMany().HasForeignKey(c => c.CiId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Incident>().WithMany().HasForeignKey(c => c.OpenIncidentId).OnDelete(DeleteBehavior.SetNull);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace BakeryBot.Core.Data;

/// <summary>The SQLite flavour (the embedded default), with its own migrations.</summary>
public sealed class SqliteBakeryDbContext : BakeryDbContext
{
    public SqliteBakeryDbContext(DbContextOptions<SqliteBakeryDbContext> options)
        : base(options)
    {
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no time type: stored as sortable integers so that due-time queries compare in SQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>The PostgreSQL flavour (several instances on one database), with its own migrations.</summary>
public sealed class PostgresBakeryDbContext : BakeryDbContext
{
    public PostgresBakeryDbContext(DbContextOptions<PostgresBakeryDbContext> options)
        : base(options)
    {
    }
}

using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace BakeryBot.Core.Data;

/// <summary>
/// A compiled query (<c>EF.CompileAsyncQuery</c>) for each model it runs against: EF Core refuses to run
/// one compiled against another model, and the SQLite and PostgreSQL contexts each have theirs. For the
/// queries every request runs, where EF Core would otherwise read the parameters out of the expression
/// and look the query up in its cache each time.
/// </summary>
internal sealed class CompiledPerModel<TQuery>(Func<TQuery> compile)
    where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _byModel = new();

    public TQuery For(DbContext db) => _byModel.GetValue(db.Model, _ => compile());
}

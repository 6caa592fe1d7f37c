namespace BakeryBot.Core.Sla;

/// <summary>A CI on a service's dependency chain: its own expected availability (a fraction), and whether another company runs it.</summary>
public sealed record ChainNode(int Id, string Name, double? Availability, bool ThirdParty);

/// <summary>An edge from a CI to what it needs; edges of one CI sharing a group are redundant alternatives.</summary>
public sealed record ChainEdge(int From, int To, string? RedundancyGroup);

/// <summary>The composite availability of a service and what drives it.</summary>
public sealed record ChainResult(double Availability, string? WeakestLink, double? WeakestAvailability, IReadOnlyList<string> ThirdParties, IReadOnlyList<string> Unknown, bool HasCycle);

/// <summary>
/// Composite availability over a dependency graph: serial dependencies multiply; a redundant group
/// counts as down only when all its members are (1 − Π(1 − aᵢ)). A CI with no known availability
/// counts as 1 and is named. A cycle's back edge counts as 1 (the cycle is reported). Pure.
/// </summary>
public static class CompositeAvailability
{
    public static ChainResult Compute(int root, IReadOnlyDictionary<int, ChainNode> nodes, IReadOnlyList<ChainEdge> edges)
    {
        var needs = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.ToList());
        var memo = new Dictionary<int, double>();
        var onPath = new HashSet<int>();
        var hasCycle = false;
        // Every serial factor (a CI, or a redundant group as one) with its availability: the weakest is the smallest.
        var factors = new Dictionary<string, double>(StringComparer.Ordinal);

        double Of(int id)
        {
            if (memo.TryGetValue(id, out var known))
            {
                return known;
            }

            if (!onPath.Add(id))
            {
                hasCycle = true;
                return 1;
            }

            var own = id == root ? 1 : nodes[id].Availability ?? 1;
            var total = own;
            foreach (var group in needs.GetValueOrDefault(id, []).GroupBy(e => e.RedundancyGroup))
            {
                if (group.Key is null)
                {
                    foreach (var edge in group)
                    {
                        total *= Of(edge.To);
                    }
                }
                else
                {
                    var allDown = group.Aggregate(1.0, (p, edge) => p * (1 - Of(edge.To)));
                    var combined = 1 - allDown;
                    factors[$"{group.Key} ({string.Join(" | ", group.Select(e => nodes[e.To].Name))})"] = combined;
                    total *= combined;
                }
            }

            onPath.Remove(id);
            memo[id] = total;
            return total;
        }

        var availability = Of(root);
        var grouped = edges.Where(e => e.RedundancyGroup is not null).Select(e => e.To).ToHashSet();
        foreach (var id in memo.Keys.Where(id => id != root && !grouped.Contains(id) && nodes[id].Availability is not null))
        {
            factors[nodes[id].Name] = nodes[id].Availability!.Value;
        }

        var weakest = factors.Count == 0 ? (KeyValuePair<string, double>?)null : factors.OrderBy(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal).First();
        var reached = memo.Keys.Where(id => id != root).Select(id => nodes[id]).ToList();
        return new ChainResult(
            availability,
            weakest?.Key,
            weakest?.Value,
            reached.Where(n => n.ThirdParty).Select(n => n.Name).Order(StringComparer.Ordinal).ToList(),
            reached.Where(n => n.Availability is null).Select(n => n.Name).Order(StringComparer.Ordinal).ToList(),
            hasCycle);
    }
}

using System.Security.Cryptography;
using System.Text;

namespace CakeParallel.Model;

/// <summary>
/// The whole matrix a run belongs to, as every report of it records it: each leg (also the ones other shards run)
/// in matrix order with the shard planned for it, and a fingerprint of the matrix, so merging shard reports knows
/// what a shard that sent nothing should have run, and refuses reports of different matrices.
/// </summary>
/// <param name="Fingerprint">16 hex digits of a SHA-256 over the legs' stable ids in ordinal order; independent of the legs' order.</param>
/// <param name="Legs">Every leg of the matrix, in matrix order.</param>
public sealed record MatrixLayout(string Fingerprint, IReadOnlyList<MatrixLayoutLeg> Legs)
{
    /// <summary>The fingerprint of a matrix whose legs have <paramref name="ids"/>.</summary>
    /// <param name="ids">The legs' stable ids, in any order.</param>
    public static string FingerprintOf(IEnumerable<string> ids)
    {
        var text = string.Join("\n", ids.Order(StringComparer.Ordinal));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}

/// <summary>One leg of a <see cref="MatrixLayout"/>.</summary>
/// <param name="Id">The leg's stable id.</param>
/// <param name="Name">The leg's name.</param>
/// <param name="Parameters">The leg's matrix parameters (empty for plain legs).</param>
/// <param name="Shard">The shard planned to run the leg, or <see langword="null"/> when the run is not sharded.</param>
public sealed record MatrixLayoutLeg(string Id, string Name, IReadOnlyDictionary<string, string> Parameters, Shard? Shard);

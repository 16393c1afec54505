using Lyceum.Platform.Audit;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Lyceum.Platform.Demo;

/// <summary>
/// Bulk inserts for the demo's most numerous rows (a term of attendance marks is about 160,000 for 600 students):
/// through EF's change tracker they took ~25 s, this way ~3 s — binary COPY on PostgreSQL, one prepared statement run
/// per row on SQLite (a statement with thousands of parameters was slower than either, on both). Tables, columns and
/// value conversions come from the EF model, so the rows stored are those SaveChanges would store. Runs in the
/// context's current transaction.
/// </summary>
/// <remarks>
/// Such a write bypasses SaveChanges and so the audit interceptor. <see cref="InsertAsync{T}"/> is therefore only for
/// <see cref="IUnaudited"/> tables, and leaves generated keys to the database. <see cref="InsertAuditedAsync{T}"/> is
/// for audited ones (a term of gradebook marks, ~50,000 rows, which through SaveChanges and the trail took ~15 s
/// instead of ~3 s): it reserves the keys first, stamps the rows as the stamping interceptor would, and writes each
/// row's insert to the trail as the audit interceptor would (<see cref="AuditInterceptor.Inserted"/>).
/// </remarks>
public static class DemoBulkInsert
{
    private const int TrailSlice = 20_000;

    public static async Task InsertAsync<T>(LyceumDbContext db, IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class, IUnaudited
    {
        if (rows.Count == 0)
        {
            return;
        }

        // Left open if a transaction opened it; opened and closed here otherwise.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await WriteAsync(db, rows, withKeys: false, cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Inserts rows of an audited table with their trail: keys reserved from the table's sequence (so later inserts
    /// through EF go on from them), a new <c>Version</c>, <c>CreatedAt</c> and <c>UpdatedAt</c> at <paramref name="now"/>
    /// and the search text as <see cref="StampingInterceptor"/> sets them, then one <see cref="AuditEntry"/> per row
    /// under the ambient <see cref="AuditActor"/>. Sets each row's key. Only inside a transaction.
    /// </summary>
    public static async Task InsertAuditedAsync<T>(LyceumDbContext db, IReadOnlyList<T> rows, DateTime now, CancellationToken cancellationToken)
        where T : Entity
    {
        if (rows.Count == 0)
        {
            return;
        }

        if (db.Database.CurrentTransaction is null)
        {
            // As SaveChanges would, the rows and their trail are written together or not at all.
            throw new InvalidOperationException("Audited bulk inserts run inside a transaction.");
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var entity = EntityOf<T>(db);
            var keys = await ReserveKeysAsync(db, entity, rows.Count, cancellationToken);
            for (var i = 0; i < rows.Count; i++)
            {
                (rows[i].Id, rows[i].Version, rows[i].CreatedAt, rows[i].UpdatedAt) = (keys[i], Guid.NewGuid(), now, now);
                if (rows[i] is ISearchable searchable)
                {
                    searchable.SearchText = SearchFolding.TextOf(searchable);
                }
            }

            await WriteAsync(db, rows, withKeys: true, cancellationToken);
            var actor = AuditActor.Current;
            // In slices: a large school's trail rows (JSON each) would otherwise all be in memory at once.
            foreach (var slice in rows.Chunk(TrailSlice))
            {
                await WriteAsync(db, [.. slice.Select(r => AuditInterceptor.Inserted(entity, r, actor, now))], withKeys: false, cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static IEntityType EntityOf<T>(LyceumDbContext db) =>
        db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");

    /// <summary>The next <paramref name="count"/> keys of an integer key, taken as an insert through EF would take them.</summary>
    private static async Task<List<int>> ReserveKeysAsync(LyceumDbContext db, IEntityType entity, int count, CancellationToken cancellationToken)
    {
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var key = entity.FindPrimaryKey()!.Properties.Single();
        var column = key.GetColumnName(table)!;
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        if (db.Database.IsNpgsql())
        {
            // Identity columns draw from a sequence: take the values from it, as concurrent inserts would.
            command.CommandText = $"SELECT nextval(pg_get_serial_sequence('{sql.DelimitIdentifier(table.Name, table.Schema).Replace("'", "''", StringComparison.Ordinal)}', "
                + $"'{column.Replace("'", "''", StringComparison.Ordinal)}')) FROM generate_series(1, {count})";
            var keys = new List<int>(count);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                keys.Add(checked((int)reader.GetInt64(0)));
            }

            return keys;
        }

        // SQLite: after the largest key ever given (AUTOINCREMENT never reuses one) or in the table. The seed's write
        // transaction holds the database's write lock, so nobody else inserts meanwhile; SQLite moves the counter on.
        var name = sql.DelimitIdentifier(column);
        command.CommandText = $"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{table.Name.Replace("'", "''", StringComparison.Ordinal)}'), 0), "
            + $"COALESCE((SELECT MAX({name}) FROM {sql.DelimitIdentifier(table.Name, table.Schema)}), 0))";
        var last = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return [.. Enumerable.Range(last + 1, count)];
    }

    /// <summary>Writes the rows on the open connection; with <paramref name="withKeys"/> their keys too (else the database's).</summary>
    private static async Task WriteAsync<T>(LyceumDbContext db, IReadOnlyList<T> rows, bool withKeys, CancellationToken cancellationToken)
        where T : class
    {
        var entity = EntityOf<T>(db);
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var columns = entity.GetProperties()
            .Where(p => withKeys || !(p.IsPrimaryKey() && p.ValueGenerated != ValueGenerated.Never))
            .Select(p => new Column(sql.DelimitIdentifier(p.GetColumnName(table)!), p.GetRelationalTypeMapping(), p.GetGetter(), p.IsNullable))
            .ToArray();
        var into = $"{sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(c => c.Name))})";
        if (db.Database.IsNpgsql())
        {
            await CopyAsync((NpgsqlConnection)db.Database.GetDbConnection(), into, columns, rows, cancellationToken);
        }
        else
        {
            await PreparedAsync(db, sql, into, columns, rows, cancellationToken);
        }
    }

    private static async Task CopyAsync<T>(
        NpgsqlConnection connection, string into, Column[] columns, IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        await using var writer = await connection.BeginBinaryImportAsync($"COPY {into} FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            writer.StartRow();
            foreach (var column in columns)
            {
                // Typed writes for the common types: resolving a type by name for every value is several times slower.
                switch (column.ValueOf(row))
                {
                    case null:
                        writer.WriteNull();
                        break;
                    case int value:
                        writer.Write(value);
                        break;
                    case long value:
                        writer.Write(value);
                        break;
                    case string value:
                        writer.Write(value);
                        break;
                    case DateOnly value:
                        writer.Write(value);
                        break;
                    case TimeOnly value:
                        writer.Write(value);
                        break;
                    case bool value:
                        writer.Write(value);
                        break;
                    case var value:
                        writer.Write(value, column.Mapping.StoreTypeNameBase);
                        break;
                }
            }
        }

        await writer.CompleteAsync(cancellationToken);
    }

    private static async Task PreparedAsync<T>(
        LyceumDbContext db, ISqlGenerationHelper sql, string into, Column[] columns, IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = $"INSERT INTO {into} VALUES ({string.Join(", ", columns.Select((_, i) => sql.GenerateParameterNamePlaceholder($"p{i}")))})";
        var parameters = columns.Select((c, i) => c.Mapping.CreateParameter(command, sql.GenerateParameterName($"p{i}"), null, c.Nullable)).ToArray();
        command.Parameters.AddRange(parameters);
        await command.PrepareAsync(cancellationToken);
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var i = 0; i < columns.Length; i++)
            {
                parameters[i].Value = columns[i].ValueOf(row) ?? DBNull.Value;
            }

            // SQLite's async methods complete synchronously anyway; awaiting each of 150,000 rows only adds overhead.
            command.ExecuteNonQuery();
        }
    }

    private sealed record Column(string Name, RelationalTypeMapping Mapping, IClrPropertyGetter Getter, bool Nullable)
    {
        public object? ValueOf(object row)
        {
            var value = Getter.GetClrValueUsingContainingEntity(row);
            return value is not null && Mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value;
        }
    }
}

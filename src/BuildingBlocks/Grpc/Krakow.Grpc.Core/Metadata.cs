using System.Buffers;
using System.Collections;
using System.Collections.Frozen;
using System.Text;

namespace Grpc.Core;

/// <summary>
/// Custom headers or trailers of a call: an ordered list of entries whose keys are lower-case ASCII.
/// Keys ending in <c>-bin</c> carry bytes (base64 on the wire); all others carry printable ASCII.
/// </summary>
public sealed class Metadata : IList<Metadata.Entry>
{
    public const string BinaryHeaderSuffix = "-bin";

    /// <summary>An empty, read-only instance.</summary>
    public static readonly Metadata Empty = new Metadata().Freeze();

    private List<Entry>? list;
    private IMetadataSource? source;
    private bool readOnly;

    public Metadata()
    {
    }

    /// <summary>
    /// Metadata read from <paramref name="lazySource"/> (a request's headers) only when first needed: <see cref="Get"/>
    /// asks the source for one key, anything else takes every entry from it once, after which it is plain metadata.
    /// </summary>
    internal Metadata(IMetadataSource lazySource)
    {
        source = lazySource;
    }

    public int Count => Entries.Count;

    public bool IsReadOnly => readOnly;

    private List<Entry> Entries
    {
        get
        {
            if (list is null)
            {
                list = source?.All() ?? [];
                source = null;
            }

            return list;
        }
    }

    public Entry this[int index]
    {
        get => Entries[index];
        set
        {
            CheckWriteable();
            Entries[index] = value ?? throw new ArgumentNullException(nameof(value));
        }
    }

    /// <summary>Makes this instance read-only and returns it.</summary>
    public Metadata Freeze()
    {
        readOnly = true;
        return this;
    }

    /// <summary>The last entry with the key, or null.</summary>
    public Entry? Get(string key)
    {
        var normalized = Entry.NormalizeKey(key);
        if (list is null && source is not null)
        {
            return source.Find(normalized);
        }

        var entries = Entries;
        for (var i = entries.Count - 1; i >= 0; i--)
        {
            if (entries[i].Key == normalized)
            {
                return entries[i];
            }
        }

        return null;
    }

    /// <summary>The string value of the last entry with the key, or null.</summary>
    public string? GetValue(string key) => Get(key)?.Value;

    /// <summary>The bytes of the last entry with the (binary) key, or null.</summary>
    public byte[]? GetValueBytes(string key) => Get(key)?.ValueBytes;

    public IEnumerable<Entry> GetAll(string key)
    {
        var normalized = Entry.NormalizeKey(key);
        return Entries.Where(e => e.Key == normalized);
    }

    public void Add(string key, string value) => Add(new Entry(key, value));

    public void Add(string key, byte[] valueBytes) => Add(new Entry(key, valueBytes));

    public void Add(Entry item)
    {
        CheckWriteable();
        Entries.Add(item ?? throw new ArgumentNullException(nameof(item)));
    }

    public void Clear()
    {
        CheckWriteable();
        Entries.Clear();
    }

    public bool Contains(Entry item) => Entries.Contains(item);

    public void CopyTo(Entry[] array, int arrayIndex) => Entries.CopyTo(array, arrayIndex);

    public int IndexOf(Entry item) => Entries.IndexOf(item);

    public void Insert(int index, Entry item)
    {
        CheckWriteable();
        Entries.Insert(index, item ?? throw new ArgumentNullException(nameof(item)));
    }

    public bool Remove(Entry item)
    {
        CheckWriteable();
        return Entries.Remove(item);
    }

    public void RemoveAt(int index)
    {
        CheckWriteable();
        Entries.RemoveAt(index);
    }

    public IEnumerator<Entry> GetEnumerator() => Entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private void CheckWriteable()
    {
        if (readOnly)
        {
            throw new InvalidOperationException("Metadata is read-only.");
        }
    }

    /// <summary>One key and its value.</summary>
    public sealed class Entry
    {
        private readonly string? value;
        private readonly byte[]? valueBytes;

        public Entry(string key, string value)
        {
            Key = NormalizeKey(key);
            if (IsBinaryKey(Key))
            {
                throw new ArgumentException($"Key '{Key}' ends with '{BinaryHeaderSuffix}' and needs a byte[] value.", nameof(key));
            }

            ArgumentNullException.ThrowIfNull(value);

            // HTTP/2 header values that gRPC allows for ASCII metadata: printable ASCII and space.
            if (value.AsSpan().ContainsAnyExceptInRange((char)0x20, (char)0x7E))
            {
                throw new ArgumentException($"Value of metadata '{Key}' must be printable ASCII.", nameof(value));
            }

            this.value = value;
        }

        public Entry(string key, byte[] valueBytes)
        {
            Key = NormalizeKey(key);
            if (!IsBinaryKey(Key))
            {
                throw new ArgumentException($"Key '{Key}' carries bytes and must end with '{BinaryHeaderSuffix}'.", nameof(key));
            }

            this.valueBytes = valueBytes ?? throw new ArgumentNullException(nameof(valueBytes));
        }

        public string Key { get; }

        public bool IsBinary => valueBytes is not null;

        /// <summary>The ASCII value; throws for a binary entry.</summary>
        public string Value => value ?? throw new InvalidOperationException($"Metadata '{Key}' is binary; read ValueBytes.");

        /// <summary>The bytes of a binary entry, or the ASCII bytes of a string entry (a copy).</summary>
        public byte[] ValueBytes => valueBytes is not null ? (byte[])valueBytes.Clone() : Encoding.ASCII.GetBytes(value!);

        public override string ToString() => IsBinary
            ? $"[Entry: key={Key}, valueBytes={Convert.ToBase64String(valueBytes!)}]"
            : $"[Entry: key={Key}, value={value}]";

        public static bool IsBinaryKey(string key) => key.EndsWith(BinaryHeaderSuffix, StringComparison.OrdinalIgnoreCase);

        internal static string NormalizeKey(string key)
        {
            ArgumentException.ThrowIfNullOrEmpty(key);

            // Already lower-case and valid, as every key that arrives over HTTP/2 is: no copy.
            return key.AsSpan().ContainsAnyExcept(KeyChars) ? NormalizeKeySlow(key) : key;
        }

        // The metadata key grammar of the gRPC HTTP/2 protocol: 0-9 a-z _ - .
        private static readonly SearchValues<char> KeyChars = SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyz_-.");

        // Kestrel and HttpClient hand over the names of well-known headers in their canonical casing
        // ("User-Agent") whatever the casing on the wire; their lower-case forms are constants, so the common
        // ones cost no copy per call.
        private static readonly FrozenDictionary<string, string> CommonHeaderKeys = new[]
        {
            "user-agent", "authorization", "accept", "accept-encoding", "accept-language", "cache-control", "cookie",
            "origin", "referer", "traceparent", "tracestate", "baggage", "x-forwarded-for", "x-forwarded-proto", "x-request-id",
        }.ToFrozenDictionary(k => k, StringComparer.OrdinalIgnoreCase);

        private static string NormalizeKeySlow(string key)
        {
            if (CommonHeaderKeys.TryGetValue(key, out var common))
            {
                return common;
            }

            var lower = key.ToLowerInvariant();
            var invalid = lower.AsSpan().IndexOfAnyExcept(KeyChars);
            if (invalid >= 0)
            {
                throw new ArgumentException($"Metadata key '{key}' contains '{lower[invalid]}'; only 0-9, a-z, '_', '-' and '.' are allowed.", nameof(key));
            }

            return lower;
        }
    }

    /// <summary>Where lazily read metadata comes from (see the internal constructor).</summary>
    internal interface IMetadataSource
    {
        /// <summary>Every entry, in order, in a list the metadata then owns.</summary>
        List<Entry> All();

        /// <summary>The last entry with <paramref name="normalizedKey"/> (lower-case), as <see cref="All"/> would list it; or null.</summary>
        Entry? Find(string normalizedKey);
    }
}

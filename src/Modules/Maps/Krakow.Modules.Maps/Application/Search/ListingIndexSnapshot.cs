using System.Text;
using Krakow.Modules.Maps.Domain.Listings;

namespace Krakow.Modules.Maps.Application.Search;

/// <summary>
/// Where an index snapshot stands in the listing feed (<see cref="ListingChange"/>).
/// </summary>
/// <param name="Sequence">The highest feed sequence applied.</param>
/// <param name="Complete">
/// True when every sequence up to <see cref="Sequence"/> is applied or known never to commit. False while a lower
/// sequence is missing and might still commit (on PostgreSQL a transaction that took its sequence earlier can
/// commit after a later one); the index then waits for it, and caches keyed on the position are bypassed.
/// </param>
/// <param name="CampaignSequences">Per campaign (the map), the highest applied sequence of a change on it.</param>
internal sealed record FeedPosition(long Sequence, bool Complete, IReadOnlyDictionary<string, long> CampaignSequences)
{
    public static readonly FeedPosition Start = new(0, true, new Dictionary<string, long>(StringComparer.Ordinal));

    public long SequenceOf(string campaignId) => CampaignSequences.GetValueOrDefault(campaignId);
}

/// <summary>
/// An immutable view of every listing row (all campaigns and seasons: liveness is decided per request by
/// <see cref="ListingMatcher"/>), built from the Listings table and advanced by the feed. Searches run on the
/// snapshot they took without locks; the updater swaps in a new snapshot atomically.
/// </summary>
/// <remarks>
/// Spatial structure: a uniform latitude/longitude grid of cells ~1 km a side. Rows are 0.009° of latitude; the
/// column width is that divided by the cosine of the median latitude of the data at the last full rebuild (so
/// cells are about square around Kraków, and merely elongated far from it: correctness never depends on it).
/// Cells are a dictionary from cell number to an array of entries. Besides, every entry sits in one array sorted
/// by id (ordinal), which serves look-ups by id, viewport pages that cover much of the data, and exports.
/// </remarks>
internal sealed class ListingIndexSnapshot
{
    /// <summary>About one kilometre of latitude.</summary>
    public const double CellDegrees = 0.009;

    private readonly IndexedListing[] byId;
    private readonly Dictionary<long, Cell> cells;
    private readonly GridShape grid;

    private ListingIndexSnapshot(IndexedListing[] byId, Dictionary<long, Cell> cells, GridShape grid, FeedPosition position, SlotTable campaigns, SlotTable categories, long generation)
    {
        this.byId = byId;
        this.cells = cells;
        this.grid = grid;
        Position = position;
        Campaigns = campaigns;
        Categories = categories;
        Generation = generation;
    }

    public FeedPosition Position { get; }

    /// <summary>Campaign ids as numbers, shared by every snapshot of the index.</summary>
    public SlotTable Campaigns { get; }

    /// <summary>Category ids as numbers, shared by every snapshot of the index.</summary>
    public SlotTable Categories { get; }

    /// <summary>Counts snapshots of this index (this process only; caches key on <see cref="Position"/>).</summary>
    public long Generation { get; }

    /// <summary>Every indexed listing, live or not.</summary>
    public int Count => byId.Length;

    public int CellCount => cells.Count;

    public static ListingIndexSnapshot Empty(SlotTable campaigns, SlotTable categories) =>
        new([], [], GridShape.For(50), FeedPosition.Start, campaigns, categories, 0);

    /// <summary>A snapshot of <paramref name="rows"/> (every listing row), at <paramref name="position"/>.</summary>
    public static ListingIndexSnapshot Build(IEnumerable<Listing> rows, FeedPosition position, SlotTable campaigns, SlotTable categories, long generation)
    {
        var builder = new Builder(campaigns, categories);
        builder.AddRange(rows);
        return builder.Finish(position, generation);
    }

    /// <summary>
    /// A new snapshot with the listings <paramref name="touchedIds"/> replaced by their rows in
    /// <paramref name="currentRows"/> (absent: removed), at <paramref name="position"/>. Costs one copy of the id
    /// array and of the cell dictionary, plus the touched cells; the grid keeps its shape.
    /// </summary>
    public ListingIndexSnapshot Apply(IReadOnlyCollection<string> touchedIds, IReadOnlyDictionary<string, Listing> currentRows, FeedPosition position, long generation)
    {
        var scratch = new StringBuilder(256);
        var touched = touchedIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var added = new List<IndexedListing>(touched.Length);
        foreach (var id in touched)
        {
            if (currentRows.TryGetValue(id, out var row) && IndexedListing.Create(row, Campaigns, Categories, scratch) is { } entry)
            {
                added.Add(entry);
            }
        }

        var removed = new List<IndexedListing>(touched.Length);
        foreach (var id in touched)
        {
            if (Find(id) is { } old)
            {
                removed.Add(old);
            }
        }

        // Merge: the old entries minus the touched ones, plus the new entries, in id order.
        var merged = new IndexedListing[byId.Length - removed.Count + added.Count];
        int oldIndex = 0, addedIndex = 0, touchedIndex = 0, write = 0;
        while (oldIndex < byId.Length || addedIndex < added.Count)
        {
            if (oldIndex < byId.Length)
            {
                var old = byId[oldIndex];
                while (touchedIndex < touched.Length && string.CompareOrdinal(touched[touchedIndex], old.Id) < 0)
                {
                    touchedIndex++;
                }

                if (touchedIndex < touched.Length && touched[touchedIndex] == old.Id)
                {
                    oldIndex++;
                    continue;
                }

                if (addedIndex < added.Count && string.CompareOrdinal(added[addedIndex].Id, old.Id) < 0)
                {
                    merged[write++] = added[addedIndex++];
                }
                else
                {
                    merged[write++] = old;
                    oldIndex++;
                }
            }
            else
            {
                merged[write++] = added[addedIndex++];
            }
        }

        var newCells = new Dictionary<long, Cell>(cells);
        var affected = new Dictionary<long, (List<IndexedListing> Remove, List<IndexedListing> Add)>();
        foreach (var entry in removed)
        {
            Affected(affected, grid.CellOf(entry.Latitude, entry.Longitude)).Remove.Add(entry);
        }

        foreach (var entry in added)
        {
            Affected(affected, grid.CellOf(entry.Latitude, entry.Longitude)).Add.Add(entry);
        }

        foreach (var (key, change) in affected)
        {
            var current = newCells.GetValueOrDefault(key)?.Entries ?? [];
            IndexedListing[] updated = [.. current.Where(e => !change.Remove.Contains(e)), .. change.Add];
            if (updated.Length == 0)
            {
                newCells.Remove(key);
            }
            else
            {
                newCells[key] = new Cell(updated);
            }
        }

        return new ListingIndexSnapshot(merged, newCells, grid, position, Campaigns, Categories, generation);
    }

    public IndexedListing? Find(string id)
    {
        var index = IndexOf(id);
        return index >= 0 ? byId[index] : null;
    }

    /// <summary>The listings of one campaign's season, in id order.</summary>
    public IEnumerable<IndexedListing> ListingsOf(string campaignId, int season)
    {
        var slot = Campaigns.Find(campaignId);
        if (slot < 0)
        {
            yield break;
        }

        foreach (var entry in byId)
        {
            if (entry.CampaignSlot == slot && entry.Season == season)
            {
                yield return entry;
            }
        }
    }

    /// <summary>
    /// Up to <paramref name="take"/> matching listings within <paramref name="radiusMeters"/> of the centre, nearest
    /// first, ties by id (ordinal), strictly after <paramref name="after"/> in that order.
    /// </summary>
    /// <remarks>
    /// Searches circles of growing radius (first guess from the density of the centre's cell, then doubling, at
    /// most the requested radius). A circle's scan sees every listing within it (its cells cover the spherical
    /// cap's exact bounding box), so once it yields <paramref name="take"/> matches they are the nearest ones.
    /// Order and cursor use the squared chord to the centre (exact, monotonic in the distance); a listing is within
    /// the radius when its distance in metres, as returned, is at most the radius.
    /// </remarks>
    public List<SearchHit> Nearby(double latitude, double longitude, double radiusMeters, ListingMatcher matcher, NearbyCursor? after, int take)
    {
        var (cx, cy, cz) = GeoMath.UnitVector(latitude, longitude);
        var top = new NearestHits(take);
        var cellBuffer = new List<Cell>(16);
        var radius = InitialRadius(latitude, longitude, take, radiusMeters);
        while (true)
        {
            top.Clear();
            var box = GeoMath.BoxAround(latitude, longitude, radius);
            var limit = GeoMath.ChordSquaredOf(radius);
            var surelyInside = limit * (1 - 1e-9);
            var surelyOutside = (limit * (1 + 1e-9)) + 1e-30;
            CollectCells(box, cellBuffer);
            foreach (var cell in cellBuffer)
            {
                var points = cell.Points;
                for (var i = 0; i < points.Length; i++)
                {
                    // Cells overhang the circle's box; the box test reads only the cell's packed coordinates.
                    ref readonly var point = ref points[i];
                    if (point.Latitude < box.South || point.Latitude > box.North
                        || (box.CrossesAntimeridian
                            ? point.Longitude < box.West && point.Longitude > box.East
                            : point.Longitude < box.West || point.Longitude > box.East))
                    {
                        continue;
                    }

                    var key = GeoMath.ChordSquared(cx, cy, cz, point.X, point.Y, point.Z);
                    if (key > surelyOutside
                        || (after is { } cursor && key < cursor.SortKey)
                        || !top.MightTake(key)
                        || !matcher.MatchesPoint(in point)
                        || (key > surelyInside && GeoMath.Meters(key) > radius))
                    {
                        continue;
                    }

                    // Entries lie scattered over the heap: one is read only on a tie of keys or for its text.
                    var entry = cell.Entries[i];
                    if ((after is { } tie && key == tie.SortKey && string.CompareOrdinal(entry.Id, tie.Id) <= 0)
                        || !top.WouldTake(key, entry)
                        || !matcher.MatchesText(entry))
                    {
                        continue;
                    }

                    top.Add(key, entry);
                }
            }

            if (top.Count >= take || radius >= radiusMeters)
            {
                return top.ToList();
            }

            radius = Math.Min(radiusMeters, radius * 2);
        }
    }

    /// <summary>
    /// Up to <paramref name="take"/> matching listings inside the box (edges included; the box does not cross the
    /// antimeridian), in id order (ordinal), strictly after <paramref name="afterId"/>.
    /// </summary>
    public List<SearchHit> Viewport(double south, double west, double north, double east, ListingMatcher matcher, string? afterId, int take)
    {
        var cellBuffer = new List<Cell>();
        var box = new CircleBox(south, north, west, east, false);
        var candidates = CollectCells(box, cellBuffer, limit: byId.Length / 4);
        var hits = new List<SearchHit>(Math.Min(take, 128));
        if (candidates < 0)
        {
            // The box holds much of the data: walk the id order from the cursor until the page is full.
            var start = afterId is null ? 0 : UpperBound(afterId);
            for (var i = start; i < byId.Length && hits.Count < take; i++)
            {
                var entry = byId[i];
                if (InBox(entry, south, west, north, east) && matcher.Matches(entry))
                {
                    hits.Add(new SearchHit(entry, 0, 0));
                }
            }

            return hits;
        }

        var top = new SmallestIds(take);
        foreach (var cell in cellBuffer)
        {
            var points = cell.Points;
            for (var i = 0; i < points.Length; i++)
            {
                ref readonly var point = ref points[i];
                if (point.Latitude < south || point.Latitude > north || point.Longitude < west || point.Longitude > east)
                {
                    continue;
                }

                var entry = cell.Entries[i];
                if ((afterId is null || string.CompareOrdinal(entry.Id, afterId) > 0)
                    && top.WouldTake(entry.Id)
                    && matcher.Matches(entry))
                {
                    top.Add(entry);
                }
            }
        }

        return top.ToList();
    }

    private static bool InBox(IndexedListing entry, double south, double west, double north, double east) =>
        entry.Latitude >= south && entry.Latitude <= north && entry.Longitude >= west && entry.Longitude <= east;

    private static (List<IndexedListing> Remove, List<IndexedListing> Add) Affected(Dictionary<long, (List<IndexedListing> Remove, List<IndexedListing> Add)> affected, long key)
    {
        if (!affected.TryGetValue(key, out var change))
        {
            affected[key] = change = ([], []);
        }

        return change;
    }

    private static double MedianLatitude(IndexedListing[] entries)
    {
        if (entries.Length == 0)
        {
            return 50; // Kraków, until there is data.
        }

        var latitudes = entries.Select(e => e.Latitude).ToArray();
        Array.Sort(latitudes);
        return latitudes[latitudes.Length / 2];
    }

    private int IndexOf(string id)
    {
        int low = 0, high = byId.Length - 1;
        while (low <= high)
        {
            var mid = low + ((high - low) / 2);
            var c = string.CompareOrdinal(byId[mid].Id, id);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return -1;
    }

    /// <summary>The index of the first entry whose id sorts after <paramref name="id"/>.</summary>
    private int UpperBound(string id)
    {
        int low = 0, high = byId.Length;
        while (low < high)
        {
            var mid = low + ((high - low) / 2);
            if (string.CompareOrdinal(byId[mid].Id, id) <= 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    /// <summary>A first radius expected to hold about twice <paramref name="take"/> listings, from the density of the centre's cell.</summary>
    private double InitialRadius(double latitude, double longitude, int take, double radiusMeters)
    {
        var inCell = cells.GetValueOrDefault(grid.CellOf(latitude, longitude))?.Entries.Length ?? 0;
        var cellHeight = CellDegrees * GeoMath.MetersPerDegree;
        double guess;
        if (inCell == 0)
        {
            guess = cellHeight;
        }
        else
        {
            var cellArea = cellHeight * grid.ColumnDegrees * GeoMath.MetersPerDegree * Math.Max(0.01, Math.Cos(double.DegreesToRadians(latitude)));
            guess = Math.Sqrt(2.0 * take * cellArea / (Math.PI * inCell));
        }

        return Math.Clamp(guess, Math.Min(25, radiusMeters), radiusMeters);
    }

    /// <summary>
    /// Puts the non-empty cells that cover <paramref name="box"/> into <paramref name="buffer"/> and returns how many
    /// entries they hold; or -1, leaving the buffer incomplete, once that exceeds <paramref name="limit"/>.
    /// </summary>
    private int CollectCells(CircleBox box, List<Cell> buffer, int limit = int.MaxValue)
    {
        buffer.Clear();
        var firstRow = grid.RowOf(box.South);
        var lastRow = grid.RowOf(box.North);
        Span<(int First, int Last)> columnRanges = stackalloc (int, int)[2];
        var rangeCount = 0;
        if (box.CrossesAntimeridian)
        {
            columnRanges[rangeCount++] = (grid.ColumnOf(box.West), grid.Columns - 1);
            columnRanges[rangeCount++] = (0, grid.ColumnOf(box.East));
        }
        else
        {
            columnRanges[rangeCount++] = (grid.ColumnOf(box.West), grid.ColumnOf(box.East));
        }

        long boxCells = 0;
        for (var r = 0; r < rangeCount; r++)
        {
            boxCells += (long)(lastRow - firstRow + 1) * (columnRanges[r].Last - columnRanges[r].First + 1);
        }

        var total = 0;
        if (boxCells > cells.Count)
        {
            // Fewer non-empty cells than cells in the box: test each non-empty cell instead.
            foreach (var (key, cell) in cells)
            {
                var (row, column) = grid.Split(key);
                if (row < firstRow || row > lastRow)
                {
                    continue;
                }

                for (var r = 0; r < rangeCount; r++)
                {
                    if (column >= columnRanges[r].First && column <= columnRanges[r].Last)
                    {
                        buffer.Add(cell);
                        total += cell.Entries.Length;
                        if (total > limit)
                        {
                            return -1;
                        }

                        break;
                    }
                }
            }

            return total;
        }

        for (var row = firstRow; row <= lastRow; row++)
        {
            for (var r = 0; r < rangeCount; r++)
            {
                for (var column = columnRanges[r].First; column <= columnRanges[r].Last; column++)
                {
                    if (cells.TryGetValue(grid.Key(row, column), out var cell))
                    {
                        buffer.Add(cell);
                        total += cell.Entries.Length;
                        if (total > limit)
                        {
                            return -1;
                        }
                    }
                }
            }
        }

        return total;
    }

    /// <summary>
    /// Builds a snapshot in two steps, so the per-row work (<see cref="AddRange"/>: folding texts, unit vectors) can
    /// run while the rows are still being read, and <see cref="Finish"/> (id order, grid) after the last one.
    /// <see cref="AddRange"/> is called by one thread at a time.
    /// </summary>
    public sealed class Builder(SlotTable campaigns, SlotTable categories)
    {
        private readonly StringBuilder scratch = new(256);
        private readonly List<IndexedListing> entries = [];

        public void AddRange(IEnumerable<Listing> rows)
        {
            foreach (var row in rows)
            {
                if (IndexedListing.Create(row, campaigns, categories, scratch) is { } entry)
                {
                    entries.Add(entry);
                }
            }
        }

        public ListingIndexSnapshot Finish(FeedPosition position, long generation)
        {
            var byId = entries.ToArray();
            Array.Sort(byId, static (a, b) => string.CompareOrdinal(a.Id, b.Id));

            var grid = GridShape.For(MedianLatitude(byId));
            var lists = new Dictionary<long, List<IndexedListing>>();
            foreach (var entry in byId)
            {
                var key = grid.CellOf(entry.Latitude, entry.Longitude);
                if (!lists.TryGetValue(key, out var list))
                {
                    lists[key] = list = [];
                }

                list.Add(entry);
            }

            var cells = new Dictionary<long, Cell>(lists.Count);
            foreach (var (key, list) in lists)
            {
                cells[key] = new Cell([.. list]);
            }

            return new ListingIndexSnapshot(byId, cells, grid, position, campaigns, categories, generation);
        }
    }

    /// <summary>
    /// One grid cell: its entries, and their coordinates packed side by side (the search loops scan these without
    /// touching the entries, which lie scattered over the heap, until a point is inside the circle or box).
    /// </summary>
    private sealed class Cell
    {
        public Cell(IndexedListing[] entries)
        {
            Entries = entries;
            Points = new ListingPoint[entries.Length];
            for (var i = 0; i < entries.Length; i++)
            {
                var e = entries[i];
                Points[i] = new ListingPoint(e.Latitude, e.Longitude, e.X, e.Y, e.Z, e.CampaignSlot, e.Season, e.CategorySlot, e.Flags);
            }
        }

        public IndexedListing[] Entries { get; }

        public ListingPoint[] Points { get; }
    }

    /// <summary>The grid: 0.009° rows, columns of <see cref="ColumnDegrees"/>, cells numbered row-major.</summary>
    private sealed record GridShape(double ColumnDegrees, int Rows, int Columns)
    {
        public static GridShape For(double referenceLatitude)
        {
            var cos = Math.Cos(double.DegreesToRadians(Math.Clamp(referenceLatitude, -80, 80)));
            var columnDegrees = CellDegrees / cos;
            return new GridShape(columnDegrees, (int)Math.Ceiling(180 / CellDegrees), (int)Math.Ceiling(360 / columnDegrees));
        }

        public int RowOf(double latitude) => Math.Clamp((int)Math.Floor((latitude + 90) / CellDegrees), 0, Rows - 1);

        public int ColumnOf(double longitude) => Math.Clamp((int)Math.Floor((longitude + 180) / ColumnDegrees), 0, Columns - 1);

        public long Key(int row, int column) => ((long)row * Columns) + column;

        public (int Row, int Column) Split(long key) => ((int)(key / Columns), (int)(key % Columns));

        public long CellOf(double latitude, double longitude) => Key(RowOf(latitude), ColumnOf(longitude));
    }

    /// <summary>The best hits so far, nearest first (ties by id), at most a page and one; ordered by squared chord.</summary>
    private sealed class NearestHits(int capacity)
    {
        private readonly List<(double Key, IndexedListing Entry)> hits = new(Math.Min(capacity + 1, 128));

        public int Count => hits.Count;

        public void Clear() => hits.Clear();

        /// <summary>False when the key alone rules the hit out (the page is full of nearer ones).</summary>
        public bool MightTake(double key) => hits.Count < capacity || key <= hits[^1].Key;

        public bool WouldTake(double key, IndexedListing entry) => hits.Count < capacity || Before(key, entry, hits[^1]);

        public void Add(double key, IndexedListing entry)
        {
            var index = hits.Count;
            while (index > 0 && Before(key, entry, hits[index - 1]))
            {
                index--;
            }

            hits.Insert(index, (key, entry));
            if (hits.Count > capacity)
            {
                hits.RemoveAt(hits.Count - 1);
            }
        }

        /// <summary>The hits, with their distances in metres computed now (only for what is returned).</summary>
        public List<SearchHit> ToList()
        {
            var list = new List<SearchHit>(hits.Count);
            foreach (var (key, entry) in hits)
            {
                list.Add(new SearchHit(entry, GeoMath.Meters(key), key));
            }

            return list;
        }

        private static bool Before(double key, IndexedListing entry, (double Key, IndexedListing Entry) other) =>
            key < other.Key || (key == other.Key && string.CompareOrdinal(entry.Id, other.Entry.Id) < 0);
    }

    /// <summary>The smallest ids so far, in order, at most a page and one.</summary>
    private sealed class SmallestIds(int capacity)
    {
        private readonly List<SearchHit> hits = new(Math.Min(capacity, 128));

        public bool WouldTake(string id) => hits.Count < capacity || string.CompareOrdinal(id, hits[^1].Listing.Id) < 0;

        public void Add(IndexedListing entry)
        {
            var index = hits.Count;
            while (index > 0 && string.CompareOrdinal(entry.Id, hits[index - 1].Listing.Id) < 0)
            {
                index--;
            }

            hits.Insert(index, new SearchHit(entry, 0, 0));
            if (hits.Count > capacity)
            {
                hits.RemoveAt(hits.Count - 1);
            }
        }

        public List<SearchHit> ToList() => hits;
    }
}

/// <summary>The last hit of a nearby page: the next page starts strictly after it in (distance, id) order.</summary>
/// <remarks>The sort key is the squared chord (see <see cref="GeoMath"/>): exact, where a distance in metres is rounded.</remarks>
internal readonly record struct NearbyCursor(double SortKey, string Id);

/// <summary>What the search loops read of an entry, packed in its cell: coordinates and the fields filters test.</summary>
internal readonly record struct ListingPoint(
    double Latitude, double Longitude, double X, double Y, double Z, int CampaignSlot, int Season, int CategorySlot, ListingFlags Flags);

using System.Text;
using Krakow.Modules.Maps.Domain.Listings;

namespace Krakow.Modules.Maps.Application.Search;

[Flags]
internal enum ListingFlags : byte
{
    None = 0,
    OrdersOnline = 1,
    Delivers = 2,
}

/// <summary>
/// One listing as the search index holds it: the row (never changed once indexed: an update makes a new entry)
/// plus what the search loops read, precomputed: the position as a unit vector, interned campaign and
/// category numbers, flags, and the folded name and description.
/// </summary>
internal sealed class IndexedListing
{
    private IndexedListing(Listing row, int campaignSlot, int categorySlot, string foldedText)
    {
        Row = row;
        Id = row.Id;
        Latitude = row.Latitude;
        Longitude = row.Longitude;
        (X, Y, Z) = GeoMath.UnitVector(row.Latitude, row.Longitude);
        CampaignSlot = campaignSlot;
        CategorySlot = categorySlot;
        Season = row.Season;
        Flags = (row.OrdersOnline ? ListingFlags.OrdersOnline : ListingFlags.None) | (row.Delivers ? ListingFlags.Delivers : ListingFlags.None);
        FoldedText = foldedText;
    }

    public Listing Row { get; }

    public string Id { get; }

    public double Latitude { get; }

    public double Longitude { get; }

    /// <summary>The position as a unit vector (see <see cref="GeoMath"/>).</summary>
    public double X { get; }

    public double Y { get; }

    public double Z { get; }

    public int CampaignSlot { get; }

    public int CategorySlot { get; }

    public int Season { get; }

    public ListingFlags Flags { get; }

    /// <summary>Name and description, folded by <see cref="TextFolding"/>, separated by a space.</summary>
    public string FoldedText { get; }

    /// <summary>
    /// Slots where the API layer keeps its (immutable) representations of this entry, the compact one searches
    /// return by default and the complete one, each built on first use: an entry never changes (an update makes a
    /// new one), so neither does what is built from it. Written without a lock: a write lost to a race only costs
    /// building again.
    /// </summary>
    public object? BasicView { get; set; }

    /// <inheritdoc cref="BasicView"/>
    public object? FullView { get; set; }

    /// <summary>Indexes a row; null when it cannot be placed on a map (coordinates that are not a WGS 84 position).</summary>
    public static IndexedListing? Create(Listing row, SlotTable campaigns, SlotTable categories, StringBuilder scratch)
    {
        if (!double.IsFinite(row.Latitude) || !double.IsFinite(row.Longitude) || Math.Abs(row.Latitude) > 90 || Math.Abs(row.Longitude) > 180)
        {
            return null;
        }

        scratch.Clear();
        TextFolding.Append(scratch, row.Name);
        scratch.Append(' ');
        TextFolding.Append(scratch, row.Description);
        return new IndexedListing(row, campaigns.SlotOf(row.CampaignId), categories.SlotOf(row.CategoryId), scratch.ToString());
    }
}

/// <summary>
/// Interns ids (campaigns, categories) as small numbers shared by every snapshot of one index, so the search loops
/// compare integers. Numbers are never reused; the table only grows (ids are few).
/// </summary>
internal sealed class SlotTable
{
    private readonly Lock gate = new();
    private volatile Dictionary<string, int> slots = new(StringComparer.Ordinal);

    /// <summary>How many ids have a number; every number is below it.</summary>
    public int Count => slots.Count;

    public int SlotOf(string id)
    {
        if (slots.TryGetValue(id, out var slot))
        {
            return slot;
        }

        lock (gate)
        {
            if (slots.TryGetValue(id, out slot))
            {
                return slot;
            }

            // Copy on write: readers keep using the dictionary they loaded, which never changes.
            var grown = new Dictionary<string, int>(slots, StringComparer.Ordinal) { [id] = slots.Count };
            slots = grown;
            return grown[id];
        }
    }

    /// <summary>The number of an id, or -1 when no listing ever had it.</summary>
    public int Find(string id) => slots.TryGetValue(id, out var slot) ? slot : -1;
}

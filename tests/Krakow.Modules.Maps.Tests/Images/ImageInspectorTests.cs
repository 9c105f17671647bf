using Krakow.Modules.Maps.Domain.Images;
using Krakow.Modules.Maps.Tests.Infrastructure;
using Shouldly;

namespace Krakow.Modules.Maps.Tests.Images;

/// <summary>The header reader on damaged and hostile files: it answers, without reading far or looping.</summary>
public sealed class ImageInspectorTests
{
    [Theory]
    [MemberData(nameof(Damaged))]
    public void A_damaged_header_is_refused_not_crashed_on(string name, byte[] bytes)
    {
        var inspection = ImageInspector.Inspect(new MemoryStream(bytes), 4096);

        inspection.Header.ShouldBeNull(name);
        inspection.Problem.ShouldNotBeNull().ShouldContain("damaged");
    }

    public static TheoryData<string, byte[]> Damaged() => new()
    {
        { "png signature only", TestImages.Png(10, 10)[..8] },
        { "png with zero width", TestImages.Png(0, 10) },
        { "png whose first chunk is not IHDR", [.. TestImages.Png(10, 10)[..12], .. "IDAT"u8.ToArray(), .. new byte[17]] },
        { "jpeg scan before any frame", [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 0xFF, 0xD9] },
        { "jpeg segment longer than the file", [0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 0x00] },
        { "jpeg marker without 0xFF", [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0, 0, 0x12, 0x34] },
        { "jpeg frame cut short", [0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01] },
        { "webp with an unknown chunk", [.. "RIFF"u8.ToArray(), 30, 0, 0, 0, .. "WEBP"u8.ToArray(), .. "ABCD"u8.ToArray(), 10, 0, 0, 0, .. new byte[10]] },
        { "lossy webp without its start code", [.. TestImages.WebPLossy(10, 10)[..23], 0, 0, 0, 10, 0, 10, 0] },
        { "lossless webp without its signature", [.. TestImages.WebPLossless(10, 10)[..20], 0x00, 9, 0, 0, 0] },
    };

    [Fact]
    public void Sizes_come_from_the_headers_of_each_format()
    {
        ImageInspector.Inspect(new MemoryStream(TestImages.Png(1, 4096)), 4096).Header.ShouldBe(new ImageHeader(ImageFormat.Png, 1, 4096));
        ImageInspector.Inspect(new MemoryStream(TestImages.Jpeg(4096, 1)), 4096).Header.ShouldBe(new ImageHeader(ImageFormat.Jpeg, 4096, 1));
        ImageInspector.Inspect(new MemoryStream(TestImages.WebPLossless(16384, 16384)), 20_000).Header.ShouldBe(new ImageHeader(ImageFormat.WebP, 16384, 16384));
        ImageInspector.Inspect(new MemoryStream(TestImages.WebPExtended(16_777_216, 2)), int.MaxValue).Header.ShouldBe(new ImageHeader(ImageFormat.WebP, 16_777_216, 2));
    }

    [Fact]
    public void Content_that_is_no_supported_image_is_not_recognised()
    {
        ImageInspector.Inspect(new MemoryStream(TestImages.TextPretendingToBePng()), 4096).Problem.ShouldStartWith("is not a PNG, JPEG or WebP image");
        ImageInspector.Inspect(new MemoryStream("GIF89a\x01\x00\x01\x00"u8.ToArray()), 4096).Header.ShouldBeNull();
        ImageInspector.Inspect(new MemoryStream([]), 4096).Header.ShouldBeNull();
    }
}

namespace BakeryBot.Teams.Tests.Manifest;

/// <summary>Teams' icon rules: colour 192×192; outline 32×32, white on transparent.</summary>
public sealed class TeamsIconTests
{
    [Fact]
    public void Color_icon_is_a_192_pixel_full_colour_png()
    {
        var png = PngImage.Read(File.ReadAllBytes(ManifestFiles.PathOf("color.png")));

        Assert.Equal(192, png.Width);
        Assert.Equal(192, png.Height);

        var opaque = 0;
        var colours = new HashSet<int>();
        for (var y = 0; y < png.Height; y++)
        {
            for (var x = 0; x < png.Width; x++)
            {
                var (r, g, b, a) = png.Pixel(x, y);
                if (a == 255)
                {
                    opaque++;
                    colours.Add((r << 16) | (g << 8) | b);
                }
            }
        }

        // Mostly opaque (only the rounded corners are clear), the centre included, and in more than a few colours.
        Assert.True(opaque > png.Width * png.Height * 9 / 10, $"Only {opaque} opaque pixels.");
        Assert.Equal(255, png.Pixel(96, 96).A);
        Assert.True(colours.Count >= 4, $"Only {colours.Count} colours.");
    }

    [Fact]
    public void Outline_icon_is_a_32_pixel_white_shape_on_transparent()
    {
        var png = PngImage.Read(File.ReadAllBytes(ManifestFiles.PathOf("outline.png")));

        Assert.Equal(32, png.Width);
        Assert.Equal(32, png.Height);
        Assert.True(png.HasAlphaChannel);

        int visible = 0, clear = 0;
        for (var y = 0; y < png.Height; y++)
        {
            for (var x = 0; x < png.Width; x++)
            {
                var (r, g, b, a) = png.Pixel(x, y);
                if (a == 0)
                {
                    clear++;
                    continue;
                }

                visible++;
                Assert.True(r == 255 && g == 255 && b == 255, $"Pixel ({x},{y}) is #{r:X2}{g:X2}{b:X2} at alpha {a}, not white.");
            }
        }

        Assert.True(visible > 0, "The outline icon is empty.");
        Assert.True(clear > 0, "The outline icon has no transparent background.");
        Assert.Equal(0, png.Pixel(0, 0).A);
    }

    [Fact]
    public void Png_reader_rejects_a_corrupted_file()
    {
        var bytes = File.ReadAllBytes(ManifestFiles.PathOf("outline.png"));
        bytes[20] ^= 0x01; // inside IHDR: its CRC no longer matches

        Assert.Throws<InvalidDataException>(() => PngImage.Read(bytes));
    }
}

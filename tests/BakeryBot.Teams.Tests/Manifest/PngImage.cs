using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace BakeryBot.Teams.Tests.Manifest;

/// <summary>
/// A strict little PNG reader for the icon tests: checks the signature, every chunk's CRC, IHDR first and IEND
/// last, then inflates and unfilters 8-bit RGB or RGBA, non-interlaced images into RGBA pixels.
/// </summary>
internal sealed class PngImage
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly uint[] CrcTable = BuildCrcTable();

    private PngImage(int width, int height, int colorType, byte[] rgba)
    {
        Width = width;
        Height = height;
        ColorType = colorType;
        Rgba = rgba;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>2 = RGB, 6 = RGBA.</summary>
    public int ColorType { get; }

    public bool HasAlphaChannel => ColorType == 6;

    /// <summary>Width × Height pixels, four bytes each (R, G, B, A); A is 255 for RGB images.</summary>
    public byte[] Rgba { get; }

    public (byte R, byte G, byte B, byte A) Pixel(int x, int y)
    {
        var i = ((y * Width) + x) * 4;
        return (Rgba[i], Rgba[i + 1], Rgba[i + 2], Rgba[i + 3]);
    }

    public static PngImage Read(byte[] data)
    {
        if (data.Length < Signature.Length || !data.AsSpan(0, Signature.Length).SequenceEqual(Signature))
        {
            throw new InvalidDataException("Not a PNG: bad signature.");
        }

        int width = 0, height = 0, colorType = -1;
        using var idat = new MemoryStream();
        var offset = Signature.Length;
        var sawEnd = false;
        var first = true;
        while (offset < data.Length)
        {
            if (sawEnd)
            {
                throw new InvalidDataException("Data after IEND.");
            }

            if (data.Length - offset < 12)
            {
                throw new InvalidDataException("Truncated chunk header.");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset));
            if (length > int.MaxValue || data.Length - offset - 12 < (long)length)
            {
                throw new InvalidDataException("Truncated chunk.");
            }

            var typeAndData = data.AsSpan(offset + 4, 4 + (int)length);
            var type = Encoding.ASCII.GetString(typeAndData[..4]);
            var body = typeAndData[4..];
            var crc = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset + 8 + (int)length));
            if (crc != Crc32(typeAndData))
            {
                throw new InvalidDataException($"Bad CRC in chunk {type}.");
            }

            if (first != (type == "IHDR"))
            {
                throw new InvalidDataException("IHDR must come first, once.");
            }

            first = false;
            switch (type)
            {
                case "IHDR":
                    if (body.Length != 13)
                    {
                        throw new InvalidDataException("IHDR must be 13 bytes.");
                    }

                    width = checked((int)BinaryPrimitives.ReadUInt32BigEndian(body));
                    height = checked((int)BinaryPrimitives.ReadUInt32BigEndian(body[4..]));
                    colorType = body[9];
                    if (width <= 0 || height <= 0)
                    {
                        throw new InvalidDataException("Empty image.");
                    }

                    if (body[8] != 8 || (colorType != 2 && colorType != 6) || body[10] != 0 || body[11] != 0 || body[12] != 0)
                    {
                        throw new InvalidDataException("Only 8-bit RGB/RGBA, deflate, non-interlaced PNGs are read here.");
                    }

                    break;
                case "IDAT":
                    idat.Write(body);
                    break;
                case "IEND":
                    sawEnd = true;
                    break;
                default:
                    if (char.IsUpper(type[0]))
                    {
                        throw new InvalidDataException($"Unknown critical chunk {type}.");
                    }

                    break;
            }

            offset += 12 + (int)length;
        }

        if (!sawEnd)
        {
            throw new InvalidDataException("No IEND chunk.");
        }

        return new PngImage(width, height, colorType, Unfilter(Inflate(idat.ToArray()), width, height, colorType == 6 ? 4 : 3));
    }

    private static byte[] Inflate(byte[] zlib)
    {
        using var input = new MemoryStream(zlib);
        using var inflater = new ZLibStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        inflater.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] Unfilter(byte[] raw, int width, int height, int bytesPerPixel)
    {
        var stride = width * bytesPerPixel;
        if (raw.Length != (long)height * (stride + 1))
        {
            throw new InvalidDataException($"Image data is {raw.Length} bytes, expected {height * (stride + 1)}.");
        }

        var previous = new byte[stride];
        var current = new byte[stride];
        var rgba = new byte[width * height * 4];
        for (var y = 0; y < height; y++)
        {
            var row = raw.AsSpan((y * (stride + 1)) + 1, stride);
            var filter = raw[y * (stride + 1)];
            for (var i = 0; i < stride; i++)
            {
                int left = i >= bytesPerPixel ? current[i - bytesPerPixel] : 0;
                int up = previous[i];
                int upLeft = i >= bytesPerPixel ? previous[i - bytesPerPixel] : 0;
                var predictor = filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"Unknown filter type {filter} on row {y}."),
                };
                current[i] = (byte)(row[i] + predictor);
            }

            for (var x = 0; x < width; x++)
            {
                var to = ((y * width) + x) * 4;
                var from = x * bytesPerPixel;
                rgba[to] = current[from];
                rgba[to + 1] = current[from + 1];
                rgba[to + 2] = current[from + 2];
                rgba[to + 3] = bytesPerPixel == 4 ? current[from + 3] : (byte)255;
            }

            (previous, current) = (current, previous);
        }

        return rgba;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var pa = Math.Abs(p - a);
        var pb = Math.Abs(p - b);
        var pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}

using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using CakeParallel.Reports;

namespace CakeParallel.Tests.Reports;

/// <summary>
/// The hand-written XML writer of the JUnit report against the System.Xml writer it replaced, with the settings the
/// report used: the same text for any attribute value and text XML allows, and U+FFFD where System.Xml threw.
/// </summary>
public sealed class IndentedXmlWriterTests
{
    private static readonly string[] Pieces =
    [
        "&", "<", ">", "\"", "'", "\r", "\n", "\r\n", "\n\r", "\t", "]]>", "]", "]]", " ", "  ", "a", "Z", "0", "é", "ß", "中", "😀", "👩‍💻", "𝔸",
        "\u0085", "\u2028", "\u00A0", "\u007F", "\u0080", "\u009F", "\uFFFD", "&amp;", "&#xA;", "<![CDATA[", "?>", "--",
    ];

    [Fact]
    public void Writes_what_XmlWriter_writes_for_any_text_XML_allows()
    {
        var random = new Random(20261202);
        for (var n = 0; n < 2000; n++)
        {
            // Empty values too: an element given empty text gets an end tag, one written without text closes itself.
            var values = Enumerable.Range(0, 5).Select(_ => string.Concat(Enumerable.Range(0, random.Next(0, 10)).Select(_ => Pieces[random.Next(Pieces.Length)]))).ToArray();

            Ours(values).ShouldBe(Theirs(values), $"values: {string.Join(" | ", values.Select(v => Uri.EscapeDataString(v)))}");
        }
    }

    [Theory]
    [InlineData(0x0000)]
    [InlineData(0x0001)]
    [InlineData(0x000B)]
    [InlineData(0x000C)]
    [InlineData(0x001B)]
    [InlineData(0x001F)]
    [InlineData(0xFFFE)]
    [InlineData(0xFFFF)]
    [InlineData(0xD83D)]
    [InlineData(0xDE00)]
    [InlineData(0xDE00, 0xD83D)]
    public void A_character_XML_forbids_becomes_U_FFFD_where_XmlWriter_threw(params int[] forbidden)
    {
        // Given as numbers: an attribute argument cannot hold a lone surrogate. Each character becomes one U+FFFD,
        // at the start and at the end too (where a lone high surrogate has no next character to pair with).
        var bad = new string(forbidden.Select(c => (char)c).ToArray());
        var replaced = new string('\uFFFD', forbidden.Length);
        var value = $"{bad}y{bad}";
        var text = new StringWriter(CultureInfo.InvariantCulture);
        var xml = new IndentedXmlWriter(text);
        xml.StartElement("a");
        xml.Attribute("v", value);
        xml.EndElementWithText(value);

        text.ToString().ShouldBe($"<?xml version=\"1.0\" encoding=\"utf-16\"?>\n<a v=\"{replaced}y{replaced}\">{replaced}y{replaced}</a>");
        XDocument.Parse(text.ToString()).Root!.Value.ShouldBe($"{replaced}y{replaced}");
        Should.Throw<ArgumentException>(() => Theirs([value, "", "", "", ""]));
    }

    /// <summary>Every call of the writer: attributes, text, empty and nested elements.</summary>
    private static string Ours(string[] values)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        var xml = new IndentedXmlWriter(text);
        xml.StartElement("root");
        xml.Attribute("first", values[0]);
        xml.Attribute("second", values[1]);
        xml.StartElement("with-text");
        xml.Attribute("v", values[2]);
        xml.EndElementWithText(values[3]);
        xml.Element("only-text", values[4]);
        xml.StartElement("empty");
        xml.EndElement();
        xml.StartElement("outer");
        xml.StartElement("inner");
        xml.Element("leaf", values[0]);
        xml.EndElement();
        xml.EndElement();
        xml.EndElement();
        return text.ToString();
    }

    /// <summary>The same document as <see cref="Ours"/>, written by System.Xml as the JUnit report wrote it.</summary>
    private static string Theirs(string[] values)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, NewLineChars = "\n", CloseOutput = false }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("root");
            xml.WriteAttributeString("first", values[0]);
            xml.WriteAttributeString("second", values[1]);
            xml.WriteStartElement("with-text");
            xml.WriteAttributeString("v", values[2]);
            xml.WriteString(values[3]);
            xml.WriteEndElement();
            xml.WriteElementString("only-text", values[4]);
            xml.WriteStartElement("empty");
            xml.WriteEndElement();
            xml.WriteStartElement("outer");
            xml.WriteStartElement("inner");
            xml.WriteElementString("leaf", values[0]);
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return text.ToString();
    }
}

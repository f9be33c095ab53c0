namespace CakeParallel.Reports;

/// <summary>
/// Writes an XML document straight to a <see cref="TextWriter"/>, byte for byte as .NET's <c>XmlWriter</c> writes it
/// with <c>Indent</c>, <c>NewLineChars = "\n"</c> and its default escaping (the JUnit report's golden files, written
/// by it, hold the two equal): loading the framework's XML library (System.Private.Xml) for one report cost a host that
/// uses no XML otherwise some 3.5 MB of resident memory. Element and attribute names are the caller's literals and are
/// not checked; text is an element's whole content, never mixed with child elements. Not for concurrent use.
/// </summary>
internal sealed class IndentedXmlWriter
{
    // What a character XML forbids becomes, as ReportText.Clean replaces it.
    private const string Replacement = "\uFFFD";

    private readonly TextWriter _output;
    private readonly Stack<string> _open = new();

    // True between an element's name (and attributes) and the '>' or " />" that ends its start tag.
    private bool _startTagOpen;

    /// <summary>Starts the document with the XML declaration, which names <paramref name="output"/>'s encoding.</summary>
    public IndentedXmlWriter(TextWriter output)
    {
        _output = output;
        output.Write("<?xml version=\"1.0\" encoding=\"");
        output.Write(output.Encoding.WebName);
        output.Write("\"?>");
    }

    /// <summary>
    /// True for a character XML 1.0 does not allow in a document (C0 controls but tab, line feed and carriage return;
    /// U+FFFE and U+FFFF); a surrogate is allowed only in a pair.
    /// </summary>
    public static bool IsForbidden(char c) => (c < ' ' && c is not ('\t' or '\n' or '\r')) || c is '\uFFFE' or '\uFFFF';

    /// <summary>Starts an element on a line of its own, indented two spaces per open element.</summary>
    public void StartElement(string name)
    {
        CloseStartTag();
        NewLine(_open.Count);
        _output.Write('<');
        _output.Write(name);
        _open.Push(name);
        _startTagOpen = true;
    }

    /// <summary>Adds an attribute to the element just started.</summary>
    public void Attribute(string name, string value)
    {
        _output.Write(' ');
        _output.Write(name);
        _output.Write("=\"");
        Escape(value, attribute: true);
        _output.Write('"');
    }

    /// <summary>Ends the innermost element: <c> /&gt;</c> when it has no content, else its end tag on a line of its own.</summary>
    public void EndElement()
    {
        var name = _open.Pop();
        if (_startTagOpen)
        {
            _output.Write(" />");
            _startTagOpen = false;
            return;
        }

        NewLine(_open.Count);
        WriteEndTag(name);
    }

    /// <summary>
    /// Writes <paramref name="text"/> as the innermost element's content and ends it; its end tag follows the text
    /// directly (no indentation inside text), and even empty text gives a start and an end tag, as <c>WriteString</c> did.
    /// </summary>
    public void EndElementWithText(string text)
    {
        CloseStartTag();
        Escape(text, attribute: false);
        WriteEndTag(_open.Pop());
    }

    /// <summary>An element holding only <paramref name="text"/>; <c>&lt;name /&gt;</c> when the text is empty, as <c>WriteElementString</c> wrote it.</summary>
    public void Element(string name, string text)
    {
        StartElement(name);
        if (text.Length == 0)
        {
            EndElement();
        }
        else
        {
            EndElementWithText(text);
        }
    }

    private void CloseStartTag()
    {
        if (_startTagOpen)
        {
            _output.Write('>');
            _startTagOpen = false;
        }
    }

    private void NewLine(int depth)
    {
        _output.Write('\n');
        for (var i = 0; i < depth; i++)
        {
            _output.Write("  ");
        }
    }

    private void WriteEndTag(string name)
    {
        _output.Write("</");
        _output.Write(name);
        _output.Write('>');
    }

    /// <summary>
    /// Writes <paramref name="text"/> escaped as XmlWriter escapes it: <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c>
    /// everywhere (so <c>]]&gt;</c> never appears); in an attribute also <c>"</c>, and tab, line feed and carriage
    /// return as character references, so they read back as they were; in text every line break (CR LF, CR, LF)
    /// becomes LF. Everything else, non-ASCII and surrogate pairs included, is written as it is, but a character
    /// XML forbids (see <see cref="IsForbidden"/>) or a lone surrogate becomes U+FFFD: XmlWriter threw there, and a
    /// report is better written than lost for a leg name with a control character in it.
    /// </summary>
    private void Escape(string text, bool attribute)
    {
        var written = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            var escaped = c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' when attribute => "&quot;",
                '\t' when attribute => "&#x9;",
                '\n' when attribute => "&#xA;",
                '\r' when attribute => "&#xD;",
                '\r' => "\n",
                _ when char.IsSurrogate(c) || IsForbidden(c) => Replacement,
                _ => null,
            };
            if (escaped is null)
            {
                continue;
            }

            _output.Write(text.AsSpan(written, i - written));
            _output.Write(escaped);
            if (c == '\r' && !attribute && i + 1 < text.Length && text[i + 1] == '\n')
            {
                i++;
            }

            written = i + 1;
        }

        _output.Write(text.AsSpan(written));
    }
}

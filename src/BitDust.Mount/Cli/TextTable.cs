namespace BitDust.Mount.Cli;

/// <summary>Columns padded to their widest cell: readable on a terminal and still easy to cut or grep in a pipe.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public int Count => _rows.Count;

    public void Add(params string[] cells) => _rows.Add(cells);

    public void Write(TextWriter writer, string indent = "")
    {
        var all = _rows.Prepend(headers).ToList();
        var widths = Enumerable.Range(0, headers.Length).Select(c => all.Max(r => c < r.Length ? r[c].Length : 0)).ToArray();
        foreach (var row in all)
        {
            var cells = row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]));
            writer.WriteLine((indent + string.Join("  ", cells)).TrimEnd());
        }
    }
}

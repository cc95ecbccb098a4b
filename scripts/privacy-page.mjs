// The privacy policy, shipped inside the extension so it can be read offline: docs/privacy.md (the one source) is
// turned into privacy.html at build time. The Markdown is a small known subset, so a small converter does: headings,
// paragraphs, one level of lists, pipe tables, `code`, **bold**, *emphasis* and [links](https://...). HTML comments (the policy's
// notes for maintainers) are dropped; any other `<` is escaped, so the page holds no markup the source did not mean.

const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * One line of inline Markdown as HTML (runs of spaces, which a dropped comment leaves, made one): code spans first (their contents stay literal), then bold, emphasis and links. A link
 * must be http(s) or mailto; any other target is left as text.
 */
export function inline(text) {
  return text
    .replace(/ {2,}/g, ' ')
    .split(/(`[^`]*`)/)
    .map((part) => {
      if (part.startsWith('`') && part.endsWith('`') && part.length >= 2) return `<code>${escape(part.slice(1, -1))}</code>`;
      return escape(part)
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        .replace(/(^|[^*\w])\*([^*\s][^*]*?)\*(?![*\w])/g, '$1<em>$2</em>')
        .replace(/\[([^\]]+)\]\(((?:https?:\/\/|mailto:)[^\s)]+)\)/g, '<a href="$2">$1</a>');
    })
    .join('');
}

/** Splits a table row `| a | b |` into its cells. */
const cells = (row) => row.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());

/**
 * The Markdown's body as HTML.
 *
 * @param markdown - the subset described above
 */
export function markdownToHtml(markdown) {
  const lines = markdown.replace(/<!--[\s\S]*?-->/g, '').replace(/\r\n/g, '\n').split('\n');
  const out = [];
  let i = 0;
  const isBlank = (l) => l === undefined || l.trim() === '';
  const startsBlock = (l) => /^(#{1,4} |- |\|)/.test(l);
  while (i < lines.length) {
    const line = lines[i];
    if (isBlank(line)) {
      i++;
    } else if (/^#{1,4} /.test(line)) {
      const level = line.indexOf(' ');
      out.push(`<h${level}>${inline(line.slice(level + 1).trim())}</h${level}>`);
      i++;
    } else if (line.startsWith('- ')) {
      const items = [];
      while (i < lines.length && (lines[i].startsWith('- ') || (/^ {2,}\S/.test(lines[i]) && items.length > 0))) {
        if (lines[i].startsWith('- ')) items.push(lines[i].slice(2).trim());
        else items[items.length - 1] += ` ${lines[i].trim()}`;
        i++;
      }
      out.push(`<ul>\n${items.map((x) => `<li>${inline(x)}</li>`).join('\n')}\n</ul>`);
    } else if (line.startsWith('|')) {
      const rows = [];
      while (i < lines.length && lines[i].startsWith('|')) rows.push(cells(lines[i++]));
      const [head, , ...body] = rows;
      const row = (cs, tag) => `<tr>${cs.map((c) => `<${tag}>${inline(c)}</${tag}>`).join('')}</tr>`;
      out.push(`<table>\n<thead>${row(head, 'th')}</thead>\n<tbody>\n${body.map((r) => row(r, 'td')).join('\n')}\n</tbody>\n</table>`);
    } else {
      const para = [];
      while (i < lines.length && !isBlank(lines[i]) && (para.length === 0 || !startsBlock(lines[i]))) para.push(lines[i++].trim());
      out.push(`<p>${inline(para.join(' '))}</p>`);
    }
  }
  return out.join('\n');
}

/**
 * The whole page: the policy in the look of the extension's other full-tab pages.
 *
 * @param markdown - docs/privacy.md
 * @param css - extension/shared/page.css, inlined (the extension's CSP limits scripts, not styles)
 */
export function privacyPage(markdown, css) {
  const title = /^# (.+)$/m.exec(markdown)?.[1]?.trim() ?? 'Privacy policy';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
${css.trim()}
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
</style>
</head>
<body>
<main>
${markdownToHtml(markdown)}
</main>
</body>
</html>
`;
}

// Parses Mermaid diagrams with mermaid's own parser (mermaid.parse) and exits non-zero with the parse error.
//
// Usage:  node tools/node/mermaid-parse.js [FILE...]      (reads stdin without FILE)
// Input:  markdown whose ```mermaid fences hold the diagrams (every fence is parsed), or, when
//         there is no such fence, one bare diagram.
// Output: `ok: N diagrams` on stdout and exit 0; for each diagram that does not parse, its
//         number, the input line its fence starts on and mermaid's message on stderr, exit 1;
//         exit 2 when there is nothing to parse; exit 3 when mermaid cannot be loaded (run
//         scripts/setup-tools.sh).
//
// mermaid sanitises labels with DOMPurify, which needs a DOM even to parse: linkedom provides a
// window before mermaid is loaded, so the check runs headless, without a browser.
'use strict';

const fs = require('fs');

/** The diagrams of a text: [{line, text}], line 1-based. */
function diagrams(input) {
  const lines = input.split(/\r?\n/);
  const found = [];
  let open = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (open === null) {
      const start = /^ {0,3}(`{3,}|~{3,})\s*mermaid\s*$/.exec(line);
      if (start) {
        open = { fence: start[1], line: i + 1, body: [] };
      }
    } else if (
      line.trim().startsWith(open.fence[0].repeat(open.fence.length)) &&
      line.trim().replace(new RegExp(`^\\${open.fence[0]}+`), '') === ''
    ) {
      found.push({ line: open.line, text: open.body.join('\n') + '\n' });
      open = null;
    } else {
      open.body.push(line);
    }
  }
  if (open !== null) {
    found.push({ line: open.line, text: open.body.join('\n') + '\n', unclosed: true });
  }
  if (found.length === 0 && input.trim() !== '') {
    found.push({ line: 1, text: input });
  }
  return found;
}

async function loadMermaid() {
  const { parseHTML } = require('linkedom');
  const { window } = parseHTML('<!doctype html><html><head></head><body></body></html>');
  globalThis.window = window;
  globalThis.document = window.document;
  const module = await import('mermaid');
  return module.default;
}

async function main() {
  const files = process.argv.slice(2);
  const input = files.length === 0
    ? fs.readFileSync(0, 'utf8')
    : files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  const found = diagrams(input);
  if (found.length === 0) {
    process.stderr.write('mermaid-parse: no diagram in the input\n');
    return 2;
  }
  let mermaid;
  try {
    mermaid = await loadMermaid();
  } catch (error) {
    process.stderr.write(
      `mermaid-parse: cannot load mermaid and linkedom from tools/node/node_modules (${error && error.message ? String(error.message).split('\n')[0] : error}): run scripts/setup-tools.sh\n`,
    );
    return 3;
  }
  let failed = 0;
  for (let i = 0; i < found.length; i++) {
    const diagram = found[i];
    let message = diagram.unclosed ? 'the ```mermaid fence is never closed' : null;
    if (message === null) {
      try {
        await mermaid.parse(diagram.text);
      } catch (error) {
        message = error && error.message ? String(error.message) : String(error);
      }
    }
    if (message !== null) {
      failed++;
      process.stderr.write(`diagram ${i + 1} (line ${diagram.line}): ${message}\n`);
    }
  }
  if (failed > 0) {
    return 1;
  }
  process.stdout.write(`ok: ${found.length} ${found.length === 1 ? 'diagram' : 'diagrams'}\n`);
  return 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (error) => {
    process.stderr.write(`mermaid-parse: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 2;
  },
);

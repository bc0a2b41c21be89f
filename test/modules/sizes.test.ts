// Size limits for src/ (issue 14): no file over 450 lines, no function or method over 100.
// Functions are found by a brace-matching scan over the text with comments, strings and regular
// expressions blanked out: `function name(`, methods `name(…) {` (also async, get, static …),
// arrow functions with a block body (`const name = (…) => {`, `name: async x => {`, callbacks).
// The scanner is tried on a planted example below, so it demonstrably catches one.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const MAX_FILE_LINES = 450;
const MAX_FUNCTION_LINES = 100;
const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Files others were still editing when this test came in (issue 14); each is over a limit and
 * is split in its own change, which then takes it off this list. The list may only shrink: an
 * entry that is within the limits fails until it is removed.
 */
const NOT_YET_SPLIT: string[] = [];

const KEYWORDS = new Set([
  'if', 'for', 'while', 'switch', 'catch', 'return', 'typeof', 'await', 'new', 'with', 'do', 'else',
  'in', 'of', 'instanceof', 'void', 'yield', 'throw', 'case', 'delete', 'super', 'import', 'export',
]);

/** The text with comments, string and template contents and regex literals replaced by spaces (newlines kept). */
function blankOut(src: string): string {
  const out = src.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  // Template nesting: each entry is the brace depth at which a `${` opened.
  const templates: number[] = [];
  let depth = 0;
  let lastSignificant = '';
  let lastWord = '';
  let i = 0;
  const n = src.length;
  const skipTemplateText = (start: number): number => {
    // From just after a backtick or a closing `}` of `${…}`: blank until the closing backtick or `${`.
    let j = start;
    while (j < n) {
      if (src[j] === '\\') { j += 2; continue; }
      if (src[j] === '`') { blank(start, j); return j + 1; }
      if (src[j] === '$' && src[j + 1] === '{') {
        blank(start, j);
        templates.push(depth);
        depth++;
        return j + 2;
      }
      j++;
    }
    blank(start, n);
    return n;
  };
  while (i < n) {
    const c = src[i];
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      const end = src.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      blank(i + 1, j);
      i = j + 1;
      lastSignificant = c;
      lastWord = '';
      continue;
    }
    if (c === '`') {
      i = skipTemplateText(i + 1);
      lastSignificant = '`';
      lastWord = '';
      continue;
    }
    if (c === '/') {
      const regexAllowed =
        lastSignificant === '' || '(,=:[!&|?{};+-*%<>~^'.includes(lastSignificant) ||
        ['return', 'typeof', 'case', 'in', 'of', 'void', 'throw'].includes(lastWord);
      if (regexAllowed) {
        let j = i + 1;
        let inClass = false;
        while (j < n && src[j] !== '\n') {
          if (src[j] === '\\') { j += 2; continue; }
          if (src[j] === '[') inClass = true;
          else if (src[j] === ']') inClass = false;
          else if (src[j] === '/' && !inClass) break;
          j++;
        }
        blank(i + 1, j);
        i = j + 1;
        lastSignificant = '/';
        lastWord = '';
        continue;
      }
    }
    if (c === '{') depth++;
    if (c === '}') {
      if (templates.length > 0 && templates[templates.length - 1] === depth - 1) {
        templates.pop();
        depth--;
        i = skipTemplateText(i + 1);
        lastSignificant = '`';
        lastWord = '';
        continue;
      }
      depth--;
    }
    if (/\s/.test(c)) { i++; continue; }
    if (/[A-Za-z0-9_$]/.test(c)) {
      let j = i;
      while (j < n && /[A-Za-z0-9_$]/.test(src[j])) j++;
      lastWord = src.slice(i, j);
      lastSignificant = 'a';
      i = j;
      continue;
    }
    lastSignificant = c;
    lastWord = '';
    i++;
  }
  return out.join('');
}

interface FunctionSpan {
  name: string;
  startLine: number;
  lines: number;
}

const CLOSER: Record<string, string> = { '(': ')', '{': '}', '[': ']' };

/** Index of the bracket closing the one at `open` (text already blanked). */
function matching(text: string, open: number): number {
  const stack: string[] = [];
  for (let k = open; k < text.length; k++) {
    const c = text[k];
    if (c === '(' || c === '{' || c === '[') stack.push(CLOSER[c]);
    else if (c === ')' || c === '}' || c === ']') {
      stack.pop();
      if (stack.length === 0) return k;
    }
  }
  return -1;
}

function skipSpace(text: string, k: number): number {
  while (k < text.length && /\s/.test(text[k])) k++;
  return k;
}

/**
 * After a return-type colon: the index of the `{` opening the body, or of `=>`, or -1. A `{` right
 * after `:`, `|`, `&`, `,` or `<` opens an object type, not the body.
 */
function afterReturnType(text: string, k: number): number {
  let angle = 0;
  let prev = ':';
  for (; k < text.length; k++) {
    const c = text[k];
    if (/\s/.test(c)) continue;
    if (c === '=' && text[k + 1] === '>') { if (angle === 0) return k; k++; prev = '>'; continue; }
    if (c === '<') angle++;
    else if (c === '>') angle--;
    else if (c === '(' || c === '[') { k = matching(text, k); if (k < 0) return -1; prev = ')'; continue; }
    else if (c === '{') {
      if (angle > 0 || ':|&,<'.includes(prev)) { k = matching(text, k); if (k < 0) return -1; prev = '}'; continue; }
      return k;
    } else if (';)}='.includes(c) && angle === 0) return -1;
    prev = c;
  }
  return -1;
}

function lineAt(lineStarts: number[], index: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Name for an arrow function starting at `start`: `const x =`, `x:` or `x =` before it, else `<arrow>`. */
function arrowName(text: string, start: number): string {
  const before = text.slice(Math.max(0, start - 200), start);
  const assigned = /([A-Za-z_$][\w$]*)\s*(?::[^=;{}()]*)?=\s*(?:async\s*)?$/.exec(before);
  if (assigned) return assigned[1];
  const property = /([A-Za-z_$][\w$]*)\s*:\s*(?:async\s*)?$/.exec(before);
  if (property) return property[1];
  return '<arrow>';
}

/** Every function body in a (raw) source text, with its length in lines (header line to closing brace). */
function functionSpans(src: string): FunctionSpan[] {
  const text = blankOut(src);
  const lineStarts = [0];
  for (let k = 0; k < text.length; k++) if (text[k] === '\n') lineStarts.push(k + 1);
  const spans: FunctionSpan[] = [];
  const seen = new Set<number>();
  const record = (name: string, headerAt: number, bodyAt: number) => {
    if (seen.has(bodyAt)) return;
    const close = matching(text, bodyAt);
    if (close < 0) return;
    seen.add(bodyAt);
    const startLine = lineAt(lineStarts, headerAt);
    spans.push({ name, startLine, lines: lineAt(lineStarts, close) - startLine + 1 });
  };
  for (let k = 0; k < text.length; k++) {
    if (text[k] === '(') {
      const close = matching(text, k);
      if (close < 0) continue;
      let after = skipSpace(text, close + 1);
      if (text[after] === ':') after = afterReturnType(text, after + 1);
      if (after < 0) continue;
      // Identifier before the parenthesis (over a generic list `<…>`).
      let b = k - 1;
      while (b >= 0 && /\s/.test(text[b])) b--;
      if (text[b] === '>') {
        let angle = 0;
        for (; b >= 0; b--) {
          if (text[b] === '>') angle++;
          else if (text[b] === '<' && --angle === 0) { b--; break; }
        }
        while (b >= 0 && /\s/.test(text[b])) b--;
      }
      let a = b;
      while (a >= 0 && /[\w$]/.test(text[a])) a--;
      const word = text.slice(a + 1, b + 1);
      if (text[after] === '=' && text[after + 1] === '>') {
        const body = skipSpace(text, after + 2);
        const start = word === 'async' ? a + 1 : k;
        if (text[body] === '{' && (word === '' || word === 'async')) record(arrowName(text, start), start, body);
        continue;
      }
      if (text[after] === '{' && word !== '' && !KEYWORDS.has(word) && !/^\d/.test(word)) record(word, a + 1, after);
    } else if (text[k] === '=' && text[k + 1] === '>') {
      // Single-parameter arrow: `x => {`.
      let b = k - 1;
      while (b >= 0 && /\s/.test(text[b])) b--;
      if (!/[\w$]/.test(text[b] ?? '')) continue;
      let a = b;
      while (a >= 0 && /[\w$]/.test(text[a])) a--;
      const body = skipSpace(text, k + 2);
      if (text[body] === '{') record(arrowName(text, a + 1), a + 1, body);
    }
  }
  return spans.sort((x, y) => x.startLine - y.startLine);
}

function lineCount(src: string): number {
  return src.endsWith('\n') ? src.split('\n').length - 1 : src.split('\n').length;
}

function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) found.push(path);
  }
  return found;
}

interface Finding {
  file: string;
  problem: string;
}

function findings(): Finding[] {
  const out: Finding[] = [];
  for (const path of sourceFiles(join(ROOT, 'src')).sort()) {
    const file = relative(ROOT, path).split('\\').join('/');
    const src = readFileSync(path, 'utf8');
    const lines = lineCount(src);
    if (lines > MAX_FILE_LINES) out.push({ file, problem: `${file}: ${lines} lines (limit ${MAX_FILE_LINES})` });
    for (const span of functionSpans(src)) {
      if (span.lines > MAX_FUNCTION_LINES) {
        out.push({ file, problem: `${file}:${span.startLine} ${span.name}: ${span.lines} lines (limit ${MAX_FUNCTION_LINES})` });
      }
    }
  }
  return out;
}

function planted(bodyLines: number, header: string, footer = '}'): string {
  const body = Array.from({ length: bodyLines }, (_, k) => `  total += ${k}; // { not a brace`);
  return [header, ...body, footer].join('\n');
}

describe('size limits (issue 14)', () => {
  it('the scanner finds functions, methods and arrows, and measures them over strings, comments and regexes', () => {
    const src = [
      "const s = '{'; const t = `${'}'} {`; const r = /[{]/g;",
      '/* { */',
      planted(120, 'export async function tooLong(a: string): Promise<{ ok: boolean }> {'),
      'class Shop {',
      planted(40, '  async method(x: number): Promise<void> {', '  }'),
      planted(101, '  get big() {', '  }'),
      '}',
      planted(99, 'const arrow = async (x: { a: number }) => {', '};'),
      planted(150, 'const single = x => {', '};'),
      'call(() => 1); if (s) { t.trim(); }',
      planted(110, 'items.forEach((item) => {', '});'),
    ].join('\n');
    const spans = functionSpans(src);
    const byName = Object.fromEntries(spans.map((s) => [s.name, s.lines]));
    expect(byName).toEqual({ tooLong: 122, method: 42, big: 103, arrow: 101, single: 152, '<arrow>': 112 });
    expect(spans.filter((s) => s.lines > MAX_FUNCTION_LINES).map((s) => s.name)).toEqual([
      'tooLong', 'big', 'arrow', 'single', '<arrow>',
    ]);
  });

  it('no file in src/ over 450 lines and no function over 100, except the files not yet split', () => {
    const all = findings();
    const problems = all.filter((f) => !NOT_YET_SPLIT.includes(f.file)).map((f) => f.problem);
    expect(problems).toEqual([]);
    const stillOver = new Set(all.map((f) => f.file));
    expect(NOT_YET_SPLIT.filter((file) => !stillOver.has(file))).toEqual([]);
  });
});

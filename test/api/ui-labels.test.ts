// Every action the server writes to the audit log has a console label in zh and en, so 操作日志 never
// shows a raw `store.staff` or `agent.create` (issue 17). The actions are read from the source with the
// TypeScript parser: every string literal of an `action:` property in a `.record(…)` call's argument
// (so `disabled ? 'member.disable' : 'member.enable'` gives both); an `action:` that is no literal fails.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const CJK = /[\u4e00-\u9fff]/;
/** actions built at run time, with the values they take (checked below like the literals) */
const KNOWN_DYNAMIC: Record<string, string[]> = { 'src/modules/rules/changes.ts': ['`rules.change_${d.status}`'] };
const DYNAMIC_VALUES = ['rules.change_approved', 'rules.change_rejected'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

export function auditActions(): { actions: Map<string, string>; dynamic: string[] } {
  const actions = new Map<string, string>();
  const dynamic: string[] = [];
  for (const path of sourceFiles(join(ROOT, 'src'))) {
    const file = relative(ROOT, path);
    const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'record') {
        for (const arg of node.arguments) {
          if (!ts.isObjectLiteralExpression(arg)) continue;
          for (const prop of arg.properties) {
            if (!ts.isPropertyAssignment(prop) || !ts.isIdentifier(prop.name) || prop.name.text !== 'action') continue;
            const found: string[] = [];
            const walk = (n: ts.Node) => {
              // an action is dotted (`a ? 'x.y' : 'x.z'`); a literal in the condition (`status === 'hidden'`) is not one
              if ((ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) && /^[a-z_]+(\.[a-z_]+)+$/.test(n.text)) found.push(n.text);
              ts.forEachChild(n, walk);
            };
            walk(prop.initializer);
            const text = prop.initializer.getText(source);
            if (found.length === 0 && !(KNOWN_DYNAMIC[file] ?? []).includes(text)) dynamic.push(`${file}: ${text}`);
            for (const a of found) if (!actions.has(a)) actions.set(a, file);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  for (const a of DYNAMIC_VALUES) if (!actions.has(a)) actions.set(a, 'src/modules/rules/changes.ts');
  return { actions, dynamic };
}

type AdminI18n = { makeTranslate: (locale: 'zh' | 'en') => { maybe: (key: string) => string | undefined }; loadLocale: (locale: 'en') => Promise<void>; loadFeatureStrings: () => Promise<void> };

describe('audit actions have console labels in both locales', async () => {
  const { actions, dynamic } = auditActions();
  const { makeTranslate, loadLocale, loadFeatureStrings } = (await import(/* @vite-ignore */ join(ROOT, 'web/admin/src/i18n.ts'))) as AdminI18n;
  // the console loads English and the feature screens' strings on demand: everything, as a signed-in English console has it
  await Promise.all([loadLocale('en'), loadFeatureStrings()]);

  it('finds the actions, each a literal', () => {
    expect(dynamic).toEqual([]);
    for (const a of ['store.staff', 'agent.create', 'member.disable', 'rules.change_proposed']) expect(actions.has(a), a).toBe(true);
    expect(actions.size).toBeGreaterThan(60);
  });

  it('labels every action (audit.actions.<action>) in zh and en', () => {
    const zhT = makeTranslate('zh');
    const enT = makeTranslate('en');
    const missing: string[] = [];
    for (const [action, file] of actions) {
      const zh = zhT.maybe(`audit.actions.${action}`);
      const en = enT.maybe(`audit.actions.${action}`);
      if (zh === undefined || !CJK.test(zh)) missing.push(`${action} zh (${file})`);
      if (en === undefined || en === zh || CJK.test(en)) missing.push(`${action} en (${file})`);
    }
    expect(missing).toEqual([]);
  });

  it('labels every reconciliation check (recon.check.<name>) in zh and en, not the English description', () => {
    const names = [...readFileSync(join(ROOT, 'src/jobs/reconcile.ts'), 'utf8').matchAll(/^\s+name: '([a-z_]+)',$/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const locale of ['zh', 'en'] as const) {
      const t = makeTranslate(locale);
      for (const name of names) {
        const label = t.maybe(`recon.check.${name}`);
        if (label === undefined || (locale === 'zh' && !CJK.test(label))) missing.push(`${locale} ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('labels the payment states and providers the order drawer shows', () => {
    for (const locale of ['zh', 'en'] as const) {
      const t = makeTranslate(locale);
      for (const key of ['enum.payment.created', 'enum.payment.succeeded', 'enum.payment.closed', 'order.provider.dev', 'order.provider.wechatpay', 'order.provider.alipay']) {
        expect(t.maybe(key), `${locale} ${key}`).toBeDefined();
      }
    }
  });
});

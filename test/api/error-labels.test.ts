// Every error code the server can send has a label in the shop's and the console's dictionaries,
// in Chinese and in English (issue 17: "this invite code does not exist" and raw codes in the
// Chinese UI). The codes are read from the source with the TypeScript parser: the code argument of
// badRequest / unauthorized / forbidden / notFound / conflict / unprocessable / tooMany,
// new AppError(status, code), new LimitedError(code) and new WechatpayVerifyError(code) (every
// string literal in it, so `a ? 'X' : 'Y'` gives both), and every upper-case literal given to a
// `code:` or `refusal:` property (limit rules, the order state machine, answers built by hand). A
// code argument that is not a literal must be one of the few known forwards below, so a new dynamic
// code cannot slip past.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const HELPERS = new Set(['badRequest', 'unauthorized', 'forbidden', 'notFound', 'conflict', 'unprocessable', 'tooMany']);
const CODE = /^[A-Z][A-Z0-9_]*[A-Z0-9]$/;
/** code arguments that forward a code collected elsewhere: file → the expression's text */
const FORWARDS: Record<string, string[]> = {
  'src/errors.ts': ['code'], // the helpers themselves
  'src/modules/identity/limits.ts': ['code', 'rule.code'], // LimitedError's constructor; a rule's `code:` is collected
  'src/modules/orders/states.ts': ['t.refusal'], // the transitions' `refusal:` is collected
  'src/modules/payments/wechatpay-provider.ts': ['error.code'], // a WechatpayVerifyError's code is collected
  // answered to Alipay's notify call (ALIPAY_<the SDK's verify error>), never shown to a person
  'src/modules/payments/alipay-provider.ts': ['`ALIPAY_${error.code}`'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !/demo\.ts$/.test(name) ? [path] : [];
  });
}

function literals(node: ts.Node): string[] {
  const found: string[] = [];
  const walk = (n: ts.Node) => {
    if ((ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) && CODE.test(n.text)) found.push(n.text);
    ts.forEachChild(n, walk);
  };
  walk(node);
  return found;
}

export function serverErrorCodes(): { codes: Map<string, string>; unknownForwards: string[] } {
  const codes = new Map<string, string>();
  const unknownForwards: string[] = [];
  for (const path of sourceFiles(join(ROOT, 'src'))) {
    const file = relative(ROOT, path);
    const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const take = (arg: ts.Expression | undefined) => {
      if (!arg) return;
      const found = literals(arg);
      for (const c of found) if (!codes.has(c)) codes.set(c, file);
      if (found.length === 0 && !(FORWARDS[file] ?? []).includes(arg.getText(source))) unknownForwards.push(`${file}: ${arg.getText(source)}`);
    };
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && HELPERS.has(node.expression.text)) take(node.arguments[0]);
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
        const name = node.expression.text;
        if (name === 'AppError') take(node.arguments?.[1]);
        if (name === 'LimitedError' || name === 'WechatpayVerifyError') take(node.arguments?.[0]);
      }
      if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && (node.name.text === 'code' || node.name.text === 'refusal')) {
        for (const c of literals(node.initializer)) if (!codes.has(c)) codes.set(c, file);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { codes, unknownForwards };
}

const CJK = /[\u4e00-\u9fff]/;

// the apps' dictionaries, as the apps build them (features and shared labels merged); imported by a
// path tsc does not follow: the web apps are typechecked by their own tsconfig, with bundler resolution
type ShopI18n = { translate: (locale: 'zh' | 'en', key: string) => string };
type AdminI18n = { makeTranslate: (locale: 'zh' | 'en') => { maybe: (key: string) => string | undefined }; loadLocale: (locale: 'en') => Promise<void>; loadFeatureStrings: () => Promise<void> };
const webModule = (path: string) => import(/* @vite-ignore */ join(ROOT, path));

describe('error codes have labels in both apps and both locales', async () => {
  const { codes, unknownForwards } = serverErrorCodes();
  const { translate: shopTranslate } = (await webModule('web/shop/src/i18n.ts')) as ShopI18n;
  const { makeTranslate, loadLocale, loadFeatureStrings } = (await webModule('web/admin/src/i18n.ts')) as AdminI18n;
  // the console loads English and the feature screens' strings on demand: everything, as a signed-in English console has it
  await Promise.all([loadLocale('en'), loadFeatureStrings()]);

  it('finds the codes (and every dynamic code argument is a known forward)', () => {
    expect(unknownForwards).toEqual([]);
    // a sample the walk must see, from each way a code is given
    for (const c of ['PHONE_TAKEN', 'INVITE_CODE_NOT_FOUND', 'LOGIN_BACKOFF', 'SMS_IP_LIMIT', 'ORDER_NOT_SHIPPABLE', 'VALIDATION_FAILED', 'WECHAT_BUSY']) {
      expect(codes.has(c), c).toBe(true);
    }
    expect(codes.size).toBeGreaterThan(200);
  });

  it('the shop labels every code (error.<CODE>) in zh and en', () => {
    const missing: string[] = [];
    for (const [code, file] of codes) {
      const key = `error.${code}`;
      const zh = shopTranslate('zh', key);
      const en = shopTranslate('en', key);
      if (zh === key || !CJK.test(zh)) missing.push(`${code} zh (${file})`);
      if (en === key || en === zh || CJK.test(en)) missing.push(`${code} en (${file})`);
    }
    expect(missing).toEqual([]);
  });

  it('the console labels every code (error.code.<CODE>) in zh and en', () => {
    const zhT = makeTranslate('zh');
    const enT = makeTranslate('en');
    const missing: string[] = [];
    for (const [code, file] of codes) {
      const zh = zhT.maybe(`error.code.${code}`);
      const en = enT.maybe(`error.code.${code}`);
      if (zh === undefined || !CJK.test(zh)) missing.push(`${code} zh (${file})`);
      if (en === undefined || en === zh || CJK.test(en)) missing.push(`${code} en (${file})`);
    }
    expect(missing).toEqual([]);
  });
});

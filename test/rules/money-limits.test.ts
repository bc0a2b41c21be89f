// Who may change money limits, and the second approver above a line: operators keep the programme,
// owner/finance the money; a change past a line in SECOND_APPROVAL_LINES waits (202) for another
// owner/finance member, who applies it exactly as proposed or rejects it, once, with an audit entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFieldRoles, diffConfigs, isMoneyLimit, MONEY_LIMIT_FIELDS, riskTriggers } from '../../src/modules/rules/limits.js';
import { ruleConfigSchema, type RuleConfigInput } from '../../src/modules/rules/schema.js';
import { call, hqMember, type RegisteredMember } from '../support/api.js';
import { describeEachDatabase, describeOnPostgres, startTestApp, type TestApp } from '../support/harness.js';
import { auditLog, countRows, currentRules, deepMerge } from '../support/rules-kit.js';

const BASE: RuleConfigInput = {
  commission: { levels: 3, tierRatesBp: { '1': [1000, 500, 300] }, capBp: 3000, freezeDays: 7, selfPurchase: false },
  payout: { minAmountFen: 100, autoApproveMaxFen: 0, dailyCountLimit: 3 },
  binding: { trigger: 'registration' },
  order: { shippingFen: 0 },
};
const full = (overrides: RuleConfigInput = {}) => ruleConfigSchema.parse(deepMerge(BASE, overrides));
const lines = (overrides: RuleConfigInput) => riskTriggers(full(), full(overrides)).map((t) => t.field);

describe('money-limit fields and second-approval lines', () => {
  it('every commission and withdrawal setting is a money limit; binding, distributor and order settings are not', () => {
    const shape = ruleConfigSchema.shape;
    for (const section of ['commission', 'payout'] as const) {
      const keys = Object.keys((shape[section] as any).unwrap().shape);
      for (const key of keys) expect(MONEY_LIMIT_FIELDS, `${section}.${key}`).toContain(`${section}.${key}`);
    }
    for (const field of ['binding.trigger', 'distributor.mode', 'distributor.spendThresholdFen', 'order.shippingFen', 'order.fullReduction']) expect(isMoneyLimit(field), field).toBe(false);
  });

  it('names exactly the fields that changed', () => {
    expect(diffConfigs(full(), full({ order: { shippingFen: 800 }, commission: { capBp: 2000 } })).map((c) => c.field)).toEqual(['commission.capBp', 'order.shippingFen']);
    expect(diffConfigs(full(), full())).toEqual([]);
  });

  it('operators may not touch money limits, finance only money limits, owners anything', () => {
    const both = diffConfigs(full(), full({ order: { shippingFen: 800 }, payout: { minAmountFen: 200 } }));
    expect(() => checkFieldRoles('operator', both)).toThrow(expect.objectContaining({ status: 403, code: 'MONEY_LIMIT_ROLE', details: expect.objectContaining({ fields: ['payout.minAmountFen'] }) }));
    expect(() => checkFieldRoles('finance', both)).toThrow(expect.objectContaining({ status: 403, code: 'ROLE_FORBIDDEN', details: { fields: ['order.shippingFen'] } }));
    expect(() => checkFieldRoles('owner', both)).not.toThrow();
    expect(() => checkFieldRoles('finance', [])).toThrow(expect.objectContaining({ code: 'ROLE_FORBIDDEN' }));
  });

  it.each([
    ['auto-approval above ¥500', { payout: { autoApproveMaxFen: 50_001 } }, ['payout.autoApproveMaxFen']],
    ['auto-approval up to ¥500', { payout: { autoApproveMaxFen: 50_000 } }, []],
    ['freeze below 7 days', { commission: { freezeDays: 6 } }, ['commission.freezeDays']],
    ['a longer freeze', { commission: { freezeDays: 14 } }, []],
    ['more than 10 withdrawals a day', { payout: { dailyCountLimit: 11 } }, ['payout.dailyCountLimit']],
    ['10 withdrawals a day', { payout: { dailyCountLimit: 10 } }, []],
    ['a level-3 rate raised by 1 bp', { commission: { tierRatesBp: { '1': [1000, 500, 301] } } }, ['commission.tierRatesBp']],
    ['a new tier paying more than tier 1', { commission: { tierRatesBp: { '1': [1000, 500, 300], '2': [1200, 500, 300] } } }, ['commission.tierRatesBp']],
    ['a new tier paying less than tier 1', { commission: { tierRatesBp: { '1': [1000, 500, 300], '2': [800, 400, 300] } } }, []],
    ['rates lowered', { commission: { tierRatesBp: { '1': [900, 500, 300] } } }, []],
    ['the cap raised', { commission: { capBp: 3001 } }, ['commission.capBp']],
    ['the cap lowered', { commission: { capBp: 2000 } }, []],
    ['self-purchase on', { commission: { selfPurchase: true } }, ['commission.selfPurchase']],
    ['a product override added', { commission: { productOverrides: { '7': { mode: 'rate', ratesBp: [100] } } } }, ['commission.productOverrides']],
    ['a level fewer', { commission: { levels: 2 } }, []],
    ['a fourth level with an override', { commission: { levels: 4, complianceOverride: { reason: '法务已确认的内部试点方案' } } }, ['commission.levels', 'commission.complianceOverride']],
    ['minimum withdrawal and fee', { payout: { minAmountFen: 50, feeBp: 100 } }, []],
    ['shipping and binding', { order: { shippingFen: 800 }, binding: { trigger: 'first_visit' } }, []],
  ] as Array<[string, RuleConfigInput, string[]]>)('%s', (_name, overrides, expected) => {
    expect(lines(overrides)).toEqual(expected);
  });

  it('an override lowered in the same mode applies at once; one switched to fixed amounts does not', () => {
    const withOverride = full({ commission: { skuOverrides: { '3': { mode: 'rate', ratesBp: [800, 400] } } } });
    expect(riskTriggers(withOverride, full({ commission: { skuOverrides: { '3': { mode: 'rate', ratesBp: [700, 400] } } } }))).toEqual([]);
    expect(riskTriggers(withOverride, full({ commission: { skuOverrides: { '3': { mode: 'fixed', amountsFen: [1] } } } })).map((t) => t.field)).toEqual(['commission.skuOverrides']);
  });
});

type Role = 'owner' | 'operator' | 'finance' | 'support' | 'auditor';

describeEachDatabase('rule changes through the API', (kind) => {
  let app: TestApp;
  const hq = {} as Record<Role | 'owner2' | 'finance2', RegisteredMember>;
  const put = (who: RegisteredMember, overrides: RuleConfigInput, note?: string) => call(app, 'PUT', '/api/admin/rules', { token: who.token, body: { config: deepMerge(BASE, overrides), note } });
  const approve = (who: RegisteredMember, id: number | string, body: unknown = {}) => call(app, 'POST', `/api/admin/rules/changes/${id}/approve`, { token: who.token, body });
  const reject = (who: RegisteredMember, id: number | string, body: unknown) => call(app, 'POST', `/api/admin/rules/changes/${id}/reject`, { token: who.token, body });
  const pending = async () => (await call(app, 'GET', '/api/admin/rules/changes?status=pending', { token: hq.auditor.token })).body.items as Array<{ id: number; stale: boolean }>;
  const snapshot = async () => ({ versions: await countRows(app, 'rule_versions'), audit: await countRows(app, 'audit_log'), current: (await currentRules(app, hq.owner.token)).current.id });
  const resetToBase = async () => expect((await put(hq.owner, {}, 'reset')).status).toBe(201);

  beforeAll(async () => {
    app = await startTestApp(kind, { rules: BASE });
    for (const role of ['owner', 'operator', 'finance', 'support', 'auditor'] as Role[]) hq[role] = await hqMember(app, role);
    hq.owner2 = await hqMember(app, 'owner');
    hq.finance2 = await hqMember(app, 'finance');
  });
  afterAll(async () => app?.close());

  it('an operator saves programme settings, but a money limit is refused with 403 MONEY_LIMIT_ROLE naming it', async () => {
    const saved = await put(hq.operator, { order: { shippingFen: 600 }, distributor: { mode: 'first_purchase' }, binding: { trigger: 'first_visit' } });
    expect(saved.status).toBe(201);
    expect(saved.body.config.order.shippingFen).toBe(600);
    const before = await snapshot();
    for (const overrides of [{ commission: { freezeDays: 10 } }, { payout: { autoApproveMaxFen: 100 } }, { order: { shippingFen: 700 }, commission: { capBp: 1000 } }] as RuleConfigInput[]) {
      const res = await put(hq.operator, { order: { shippingFen: 600 }, distributor: { mode: 'first_purchase' }, binding: { trigger: 'first_visit' }, ...overrides });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('MONEY_LIMIT_ROLE');
      expect(res.body.details.fields).toEqual(Object.entries(overrides).flatMap(([s, v]) => (s === 'order' ? [] : Object.keys(v as object).map((k) => `${s}.${k}`))));
      expect(res.body.message).toContain(res.body.details.fields[0]);
    }
    expect(await snapshot()).toEqual(before);
    await resetToBase();
  });

  it('finance saves money limits below the lines at once; other fields, support and auditors are refused', async () => {
    const saved = await put(hq.finance, { commission: { freezeDays: 10, tierRatesBp: { '1': [900, 500, 300] } }, payout: { autoApproveMaxFen: 20_000 } }, '财务下调一级佣金');
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ createdBy: hq.finance.id, note: '财务下调一级佣金', config: { payout: { autoApproveMaxFen: 20_000 } } });
    const before = await snapshot();
    const other = await put(hq.finance, { commission: { freezeDays: 10, tierRatesBp: { '1': [900, 500, 300] } }, payout: { autoApproveMaxFen: 20_000 }, order: { shippingFen: 900 } });
    expect([other.status, other.body.code, other.body.details.fields]).toEqual([403, 'ROLE_FORBIDDEN', ['order.shippingFen']]);
    for (const role of ['support', 'auditor'] as Role[]) expect((await put(hq[role], { commission: { freezeDays: 12 } })).body.code).toBe('ROLE_FORBIDDEN');
    expect(await snapshot()).toEqual(before);
    expect((await put(hq.owner, {}, 'reset')).status).toBe(202); // raising the rate back needs a second approver too
    await resetViaApproval();
  });

  async function resetViaApproval() {
    const items = await pending();
    expect(items.length).toBe(1);
    expect((await approve(hq.finance2, items[0].id)).status).toBe(200);
  }

  it('a change past a line waits (202) and is audited; the proposer cannot approve it; another approver applies it exactly', async () => {
    const before = await snapshot();
    const res = await put(hq.owner, { payout: { autoApproveMaxFen: 80_000 }, order: { shippingFen: 500 } }, '大促期间提高自动审核额度');
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'pending', baseVersionId: before.current, proposedBy: hq.owner.id, proposedByName: 'hq-owner', note: '大促期间提高自动审核额度', stale: false });
    expect(res.body.triggers).toEqual([{ field: 'payout.autoApproveMaxFen', line: 'raised above 50000 fen', before: 0, after: 80_000 }]);
    expect(res.body.changes.map((c: { field: string }) => c.field)).toEqual(['payout.autoApproveMaxFen', 'order.shippingFen']);
    const id = res.body.id as number;
    expect((await currentRules(app, hq.owner.token)).current.id).toBe(before.current);
    expect(await countRows(app, 'rule_versions')).toBe(before.versions);
    expect((await pending()).map((c) => c.id)).toEqual([id]);
    const [proposed] = await auditLog(app, hq.auditor.token, { action: 'rules.change_proposed', targetId: String(id) });
    expect(proposed).toMatchObject({ actorId: hq.owner.id, targetType: 'rule_change', reason: '大促期间提高自动审核额度', before: { version: before.current }, after: { config: { payout: { autoApproveMaxFen: 80_000 } } } });

    const own = await approve(hq.owner, id);
    expect([own.status, own.body.code]).toEqual([403, 'SECOND_APPROVER_REQUIRED']);
    for (const role of ['operator', 'support', 'auditor'] as Role[]) expect((await approve(hq[role], id)).body.code).toBe('ROLE_FORBIDDEN');
    expect((await currentRules(app, hq.owner.token)).current.id).toBe(before.current);

    const ok = await approve(hq.finance, id, { reason: '已核对大促预算' });
    expect(ok.status).toBe(200);
    expect(ok.body.change).toMatchObject({ id, status: 'approved', proposedByName: 'hq-owner', decidedBy: hq.finance.id, reason: '已核对大促预算', appliedVersionId: ok.body.version.id });
    const current = (await currentRules(app, hq.owner.token)).current;
    expect(current.id).toBe(ok.body.version.id);
    expect(current.config).toEqual(res.body.proposedConfig);
    expect(ok.body.version).toMatchObject({ createdBy: hq.owner.id, note: '大促期间提高自动审核额度' });
    const [approved] = await auditLog(app, hq.auditor.token, { action: 'rules.change_approved', targetId: String(id) });
    expect(approved).toMatchObject({ actorId: hq.finance.id, reason: '已核对大促预算', before: { status: 'pending', version: before.current, proposedBy: hq.owner.id }, after: { status: 'approved', version: current.id } });
    expect((await auditLog(app, hq.auditor.token, { action: 'rules.save', targetId: String(current.id) })).length).toBe(1);

    const again = await approve(hq.finance2, id);
    expect([again.status, again.body.code]).toEqual([409, 'RULE_CHANGE_DECIDED']);
    expect((await reject(hq.finance2, id, { reason: '太晚了' })).body.code).toBe('RULE_CHANGE_DECIDED');
    expect(await pending()).toEqual([]);
    expect((await put(hq.owner, {}, 'reset')).status).toBe(201); // lowering back applies at once
  });

  it('a rejection needs a reason and is audited; the proposer may withdraw their own', async () => {
    const a = (await put(hq.finance, { commission: { freezeDays: 3 } }, '缩短冻结期')).body;
    expect(a.status).toBe('pending');
    const before = await snapshot();
    for (const body of [{}, { reason: '' }, { reason: ' ' }, { reason: 'x'.repeat(501) }]) expect((await reject(hq.owner, a.id, body)).status).toBe(400);
    expect(await snapshot()).toEqual(before);
    const no = await reject(hq.owner, a.id, { reason: '退货期内不能提现' });
    expect(no.body).toMatchObject({ id: a.id, status: 'rejected', decidedBy: hq.owner.id, reason: '退货期内不能提现' });
    const [entry] = await auditLog(app, hq.auditor.token, { action: 'rules.change_rejected', targetId: String(a.id) });
    expect(entry).toMatchObject({ actorId: hq.owner.id, reason: '退货期内不能提现', after: { status: 'rejected' } });
    expect((await approve(hq.finance2, a.id)).body.code).toBe('RULE_CHANGE_DECIDED');

    const b = (await put(hq.finance, { commission: { capBp: 5000 } })).body;
    expect((await reject(hq.finance, b.id, { reason: '提交错了，撤回' })).body).toMatchObject({ status: 'rejected', decidedBy: hq.finance.id });
    expect((await currentRules(app, hq.owner.token)).current.id).toBe(before.current);
  });

  it('when the rules moved on, approving answers 409 RULES_CHANGED_SINCE_PROPOSAL and supersedes the change', async () => {
    const change = (await put(hq.owner, { commission: { tierRatesBp: { '1': [1200, 500, 300] } } }, '提高一级佣金')).body;
    expect((await put(hq.operator, { order: { shippingFen: 300 } })).status).toBe(201);
    expect((await pending()).find((c) => c.id === change.id)?.stale).toBe(true);
    const versionsBefore = await countRows(app, 'rule_versions');
    const res = await approve(hq.finance, change.id, undefined); // no body at all: the reason is optional
    expect([res.status, res.body.code]).toEqual([409, 'RULES_CHANGED_SINCE_PROPOSAL']);
    expect(await countRows(app, 'rule_versions')).toBe(versionsBefore);
    expect((await currentRules(app, hq.owner.token)).current.config.commission.tierRatesBp['1']).toEqual([1000, 500, 300]);
    const got = await call(app, 'GET', `/api/admin/rules/changes/${change.id}`, { token: hq.auditor.token });
    expect(got.body).toMatchObject({ status: 'superseded', decidedBy: hq.finance.id, stale: false });
    expect((await auditLog(app, hq.auditor.token, { action: 'rules.change_superseded', targetId: String(change.id) })).length).toBe(1);
    expect((await approve(hq.finance2, change.id)).body.code).toBe('RULES_CHANGED_SINCE_PROPOSAL');
    expect((await reject(hq.finance2, change.id, { reason: '已过期' })).body.code).toBe('RULE_CHANGE_DECIDED');
    await resetToBase();
  });

  it('bad input is a clear 4xx and changes nothing', async () => {
    const change = (await put(hq.owner, { commission: { selfPurchase: true } })).body;
    const before = await snapshot();
    const cases: Array<[string, string, unknown, number]> = [
      ['POST', '/api/admin/rules/changes/abc/approve', {}, 400],
      ['POST', '/api/admin/rules/changes/0/approve', {}, 400],
      ['POST', '/api/admin/rules/changes/99999999999/approve', {}, 400],
      ['POST', '/api/admin/rules/changes/2147483647/approve', {}, 404],
      ['POST', '/api/admin/rules/changes/2147483647/reject', { reason: '不存在' }, 404],
      ['POST', `/api/admin/rules/changes/${change.id}/approve`, { reason: 5 }, 400],
      ['POST', `/api/admin/rules/changes/${change.id}/approve`, '{"reason":', 400],
      ['GET', '/api/admin/rules/changes?status=bogus', undefined, 400],
      ['GET', '/api/admin/rules/changes?limit=0', undefined, 400],
      ['GET', '/api/admin/rules/changes/2147483647', undefined, 404],
      ['PUT', '/api/admin/rules', { config: { commission: { freezeDays: -1 } } }, 422],
      ['PUT', '/api/admin/rules', { config: { payout: { autoApproveMaxFen: 1.5 } } }, 422],
      ['PUT', '/api/admin/rules', { config: 'nope' }, 400],
    ];
    for (const [method, url, body, status] of cases) {
      const res = await call(app, method, url, { token: hq.finance2.token, body });
      expect(res.status, `${method} ${url} ${JSON.stringify(body)}`).toBe(status);
      expect(typeof res.body.code).toBe('string');
    }
    expect(await snapshot()).toEqual(before);
    expect((await call(app, 'GET', '/api/admin/rules/changes', {})).status).toBe(401);
    expect((await reject(hq.owner2, change.id, { reason: '清理' })).status).toBe(200);
  });

  it('documents the new routes, bodies and responses in /openapi.json', async () => {
    const doc = (await call(app, 'GET', '/openapi.json')).body;
    expect(Object.keys(doc.paths['/api/admin/rules'].put.responses)).toEqual(expect.arrayContaining(['201', '202', '403']));
    expect(doc.paths['/api/admin/rules/changes'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['status', 'limit']));
    expect(doc.paths['/api/admin/rules/changes/{id}'].get.responses['200']).toBeDefined();
    expect(doc.paths['/api/admin/rules/changes/{id}/approve'].post.responses['200']).toBeDefined();
    expect(doc.paths['/api/admin/rules/changes/{id}/reject'].post.requestBody).toBeDefined();
  });
});

describeOnPostgres('rule change decisions race [postgres]', () => {
  let app: TestApp;
  const hq = {} as Record<'owner' | 'owner2' | 'finance' | 'finance2' | 'operator', RegisteredMember>;
  const put = (overrides: RuleConfigInput, who = hq.owner) => call(app, 'PUT', '/api/admin/rules', { token: who.token, body: { config: deepMerge(BASE, overrides) } });
  const decide = (who: RegisteredMember, id: number, how: 'approve' | 'reject') => call(app, 'POST', `/api/admin/rules/changes/${id}/${how}`, { token: who.token, body: { reason: '并发测试' } });

  beforeAll(async () => {
    app = await startTestApp('postgres', { rules: BASE, poolSize: 8 });
    hq.owner = await hqMember(app, 'owner');
    hq.owner2 = await hqMember(app, 'owner');
    hq.finance = await hqMember(app, 'finance');
    hq.finance2 = await hqMember(app, 'finance');
    hq.operator = await hqMember(app, 'operator');
  });
  afterAll(async () => app?.close());

  it('concurrent approve and reject of one change: exactly one wins, the others get 409 RULE_CHANGE_DECIDED', async () => {
    for (let round = 0; round < 6; round++) {
      const change = (await put({ payout: { autoApproveMaxFen: 60_000 + round * 1_000 } })).body;
      expect(change.status).toBe('pending');
      const versions = await countRows(app, 'rule_versions');
      const results = await Promise.all([decide(hq.finance, change.id, 'approve'), decide(hq.finance2, change.id, round % 2 ? 'reject' : 'approve'), decide(hq.owner2, change.id, 'reject')]);
      const winners = results.filter((r) => r.status === 200);
      expect(winners.length, JSON.stringify(results.map((r) => r.body))).toBe(1);
      for (const loser of results.filter((r) => r.status !== 200)) expect([loser.status, loser.body.code]).toEqual([409, 'RULE_CHANGE_DECIDED']);
      const approved = !!winners[0].body.version;
      expect(await countRows(app, 'rule_versions')).toBe(versions + (approved ? 1 : 0));
      const decisions = await app.services.db.selectFrom('audit_log').select('action').where('target_type', '=', 'rule_change').where('target_id', '=', String(change.id)).where('action', '!=', 'rules.change_proposed').execute();
      expect(decisions.map((d) => d.action)).toEqual([approved ? 'rules.change_approved' : 'rules.change_rejected']);
      await put({}); // lowering back applies at once
    }
  });

  it('two changes against one version, approved at once: one applies, the other is superseded', async () => {
    for (let round = 0; round < 4; round++) {
      const a = (await put({ commission: { capBp: 3500 } })).body;
      const b = (await put({ commission: { capBp: 4000 } }, hq.finance)).body;
      const versions = await countRows(app, 'rule_versions');
      const [ra, rb] = await Promise.all([decide(hq.finance2, a.id, 'approve'), decide(hq.owner2, b.id, 'approve')]);
      expect([ra.status, rb.status].sort()).toEqual([200, 409]);
      expect([ra, rb].find((r) => r.status === 409)!.body.code).toBe('RULES_CHANGED_SINCE_PROPOSAL');
      expect(await countRows(app, 'rule_versions')).toBe(versions + 1);
      const winner = ra.status === 200 ? ra : rb;
      expect((await currentRules(app, hq.owner.token)).current.id).toBe(winner.body.version.id);
      await put({});
    }
  });

  it('an approval racing an operator save: neither lands over a version it did not see', async () => {
    for (let round = 0; round < 6; round++) {
      const change = (await put({ commission: { freezeDays: 2 } })).body;
      const [approval, save] = await Promise.all([decide(hq.finance, change.id, 'approve'), put({ order: { shippingFen: 100 + round } }, hq.operator)]);
      const current = (await currentRules(app, hq.owner.token)).current;
      if (approval.status === 200) {
        // applied first: the operator's form still says 7 days, which would undo it, and that is a money limit
        expect([save.status, save.body.code, save.body.details?.fields]).toEqual([403, 'MONEY_LIMIT_ROLE', ['commission.freezeDays']]);
        expect(current.id).toBe(approval.body.version.id);
        expect(current.id).toBe(change.baseVersionId + 1);
      } else {
        expect([approval.status, approval.body.code, save.status]).toEqual([409, 'RULES_CHANGED_SINCE_PROPOSAL', 201]);
        expect(current.id).toBe(save.body.id);
      }
      await put({});
    }
  });
});

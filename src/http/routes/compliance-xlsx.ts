// The compliance report as an XLSX workbook: an overview (rule version, levels, rates), every override
// with who and when, the money paid per metric, and the findings. Small, so built in memory (exceljs),
// money in yuan numbers shown with two decimals, times in Asia/Shanghai.
import ExcelJS from 'exceljs';
import type { ComplianceReport } from '../../modules/compliance/index.js';
import { shanghaiDateTime } from '../exports.js';

type Lang = 'zh' | 'en';
const L = (lang: Lang, zh: string, en: string) => (lang === 'zh' ? zh : en);

const ACTIONS: Record<string, [string, string]> = {
  'rules.compliance_override': ['分销层级超过三级', 'More than three commission levels'],
  'contests.compliance_override': ['拉新赛发放现金奖金', 'Cash prizes in an invites contest'],
  'agent_level.compliance_override': ['推荐代理现金奖', 'Cash agent referral award'],
  'tier.compliance_override': ['等级升级条件', 'Tier upgrade rule'],
};
const EFFECTS: Record<string, [string, string]> = {
  cash_will_be_withheld: ['截止时现金奖金将暂扣', 'Cash prizes will be withheld at the deadline'],
  cash_withheld: ['现金奖金已暂扣，待合规豁免后发放', 'Cash prizes withheld until an override releases them'],
  appointment_refused: ['按此等级任命代理将被拒绝', 'Appointments at this level are refused'],
  rule_lifts_nobody: ['该规则不再为任何人升级', 'The rule lifts nobody'],
  invite_path_lifts_nobody: ['仅凭邀请的升级路径不再生效', 'The invites-only way lifts nobody'],
};
const CODES: Record<string, [string, string]> = {
  COMPLIANCE_RECRUITING_CASH: ['仅凭拉人头发放现金', 'Cash for recruiting alone'],
  COMPLIANCE_ENTRY_FEE: ['购买即获得资格（入门费）', 'Purchase as the only way to rights (entry fee)'],
};
const AREAS: Record<string, [string, string]> = { contest: ['PK 赛', 'Contest'], agent_level: ['代理等级', 'Agent level'], tier_rule: ['分销等级规则', 'Tier rule'] };
const pick = (map: Record<string, [string, string]>, key: string, lang: Lang) => (map[key] ? L(lang, ...map[key]) : key);

const yuan = (fen: number) => fen / 100;
const MONEY = '0.00';

function header(sheet: ExcelJS.Worksheet, columns: Array<{ header: string; width?: number; money?: boolean }>) {
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width ?? 16, ...(c.money ? { style: { numFmt: MONEY } } : {}) }));
  sheet.getRow(1).font = { bold: true };
}

function overview(wb: ExcelJS.Workbook, r: ComplianceReport, lang: Lang) {
  const sheet = wb.addWorksheet(L(lang, '概览', 'Overview'));
  header(sheet, [{ header: L(lang, '项目', 'Item'), width: 28 }, { header: L(lang, '内容', 'Value'), width: 60 }]);
  const c = r.commission;
  const rows: Array<[string, string | number]> = [
    [L(lang, '生成时间', 'Generated at'), shanghaiDateTime(r.generatedAt) ?? ''],
    [L(lang, '统计期间', 'Period'), `${r.range.from} ~ ${r.range.to}`],
    [L(lang, '生效规则版本', 'Rule version in force'), r.ruleVersion.id],
    [L(lang, '版本生效时间', 'Version saved at'), shanghaiDateTime(r.ruleVersion.createdAt) ?? ''],
    [L(lang, '版本保存人', 'Version saved by'), r.ruleVersion.createdByName ?? (r.ruleVersion.createdBy === null ? L(lang, '系统', 'System') : String(r.ruleVersion.createdBy))],
    [L(lang, '分销层级', 'Commission levels'), c.levels],
    [L(lang, '超过三级的合规豁免', 'Override for more than three levels'), c.levelsOverride?.reason ?? L(lang, '无', 'None')],
    [L(lang, '自购返佣', 'Self-purchase commission'), c.selfPurchase ? L(lang, '开启', 'On') : L(lang, '关闭', 'Off')],
    [L(lang, '单笔佣金上限', 'Commission cap'), `${c.capBp / 100}%`],
    [L(lang, '冻结期（天）', 'Freeze days'), c.freezeDays],
    [L(lang, '成为分销商方式', 'Becoming a distributor'), r.distributorMode],
    [L(lang, '仅凭拉人头发放的现金', 'Cash paid for recruiting alone'), `¥${(r.money.recruitingCashFen / 100).toFixed(2)}`],
  ];
  for (const tier of c.tierRates) rows.push([`${L(lang, '等级费率', 'Tier rates')} · ${tier.tierName ?? tier.tierId}`, tier.ratesBp.map((bp, i) => `${L(lang, `${i + 1}级`, `L${i + 1}`)} ${bp / 100}%`).join(' / ')]);
  for (const row of rows) sheet.addRow(row);
}

function overrides(wb: ExcelJS.Workbook, r: ComplianceReport, lang: Lang) {
  const sheet = wb.addWorksheet(L(lang, '合规豁免记录', 'Overrides'));
  header(sheet, [
    { header: L(lang, '时间', 'At'), width: 20 },
    { header: L(lang, '豁免内容', 'Override'), width: 26 },
    { header: L(lang, '对象', 'Target'), width: 18 },
    { header: L(lang, '操作人', 'By'), width: 16 },
    { header: L(lang, '理由', 'Reason'), width: 48 },
    { header: L(lang, '详情', 'Details'), width: 60 },
  ]);
  for (const o of r.overrides)
    sheet.addRow([shanghaiDateTime(o.at), pick(ACTIONS, o.action, lang), `${o.targetType} #${o.targetId ?? ''}`, o.actorName ?? (o.actorId === null ? L(lang, '系统', 'System') : String(o.actorId)), o.reason ?? '', JSON.stringify(o.after ?? null)]);
}

/** The money paid, one row per metric and form: count, cash (yuan) and points. */
function money(wb: ExcelJS.Workbook, r: ComplianceReport, lang: Lang) {
  const sheet = wb.addWorksheet(L(lang, '发放金额', 'Money paid'));
  header(sheet, [
    { header: L(lang, '类别', 'Category'), width: 20 },
    { header: L(lang, '项目', 'Item'), width: 24 },
    { header: L(lang, '计酬指标', 'Metric'), width: 14 },
    { header: L(lang, '形式', 'Form'), width: 10 },
    { header: L(lang, '笔数', 'Count'), width: 10 },
    { header: L(lang, '金额（元）', 'Amount (yuan)'), width: 14, money: true },
    { header: L(lang, '已冲回（元）', 'Reversed (yuan)'), width: 14, money: true },
    { header: L(lang, '积分', 'Points'), width: 12 },
  ]);
  const cash = L(lang, '现金', 'Cash');
  const m = r.money;
  for (const l of m.commissionByLevel) sheet.addRow([L(lang, '分销佣金', 'Commission'), L(lang, `第 ${l.level} 级`, `Level ${l.level}`), L(lang, '销售', 'sales'), cash, l.earnings, yuan(l.netFen), yuan(l.reversedFen), null]);
  for (const k of m.earningsByKind) sheet.addRow([L(lang, '收益类型', 'Earning kind'), k.kind, L(lang, '销售', 'sales'), cash, k.earnings, yuan(k.netFen), yuan(k.reversedFen), null]);
  for (const a of m.awardsByCode) sheet.addRow([L(lang, '即时奖励', 'Awards'), a.code, a.code === 'agent_referral.award' ? L(lang, '邀请', 'invites') : '', cash, a.awards, yuan(a.amountFen), null, null]);
  for (const p of m.contestPrizes) {
    sheet.addRow([L(lang, 'PK 赛奖金', 'Contest prizes'), L(lang, '已发放', 'paid'), p.metric, cash, null, yuan(p.cashFen), null, null]);
    if (p.withheldFen > 0) sheet.addRow([L(lang, 'PK 赛奖金', 'Contest prizes'), L(lang, '暂扣未发', 'withheld'), p.metric, cash, null, yuan(p.withheldFen), null, null]);
    sheet.addRow([L(lang, 'PK 赛奖金', 'Contest prizes'), L(lang, '积分与荣誉', 'points and honours'), p.metric, L(lang, '非现金', 'Non-cash'), p.honours, null, null, p.points]);
  }
  const ref = m.agentReferral;
  sheet.addRow([L(lang, '推荐代理奖', 'Agent referral awards'), L(lang, '现金', 'cash'), L(lang, '邀请', 'invites'), cash, ref.cashAwards, yuan(ref.cashFen), null, null]);
  sheet.addRow([L(lang, '推荐代理奖', 'Agent referral awards'), L(lang, '积分', 'points'), L(lang, '邀请', 'invites'), L(lang, '非现金', 'Non-cash'), ref.pointsAwards, null, null, ref.points]);
  for (const t of m.tierUpgrades)
    sheet.addRow([L(lang, '等级升级', 'Tier upgrades'), t.tierName ?? String(t.tierId), L(lang, '等级规则', 'tier rule'), L(lang, '无直接发放', 'No money'), t.automatic + t.manual, 0, null, null]);
}

function findings(wb: ExcelJS.Workbook, r: ComplianceReport, lang: Lang) {
  const sheet = wb.addWorksheet(L(lang, '待处理', 'Findings'));
  header(sheet, [
    { header: L(lang, '对象', 'Area'), width: 14 },
    { header: 'ID', width: 8 },
    { header: L(lang, '名称', 'Name'), width: 20 },
    { header: L(lang, '问题', 'Issue'), width: 28 },
    { header: L(lang, '字段', 'Field'), width: 16 },
    { header: L(lang, '处理', 'Effect'), width: 40 },
  ]);
  for (const f of r.findings) sheet.addRow([pick(AREAS, f.area, lang), f.id, f.name, pick(CODES, f.code, lang), f.field, pick(EFFECTS, f.effect, lang)]);
}

export async function complianceWorkbook(report: ComplianceReport, lang: Lang): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Fenxiao';
  overview(wb, report, lang);
  overrides(wb, report, lang);
  money(wb, report, lang);
  findings(wb, report, lang);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

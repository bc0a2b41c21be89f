// An income alert as WeChat's template data: each keyword of the merchant's template (thing1, amount2 …)
// filled with one fact (config-wechat.ts ALERT_FACTS), formatted to the rules of the keyword's type
// (订阅消息参数值内容限制: thing ≤ 20 characters, amount a currency sign and ≤ 10 digits, time 24-hour
// with the date, character_string ≤ 32 letters, digits and signs, phrase ≤ 5 汉字 …). The same rules
// hold for the 公众号's category templates. A value WeChat would still refuse comes back as 47003.
import type { AlertFact, AlertFields } from '../../config-wechat.js';
import { formatYuan } from '../../money.js';
import type { WechatTemplateData } from '../identity/index.js';

export interface AlertFacts {
  amountFen: number;
  level: number;
  orderId: number;
  at: Date;
}

const LEVEL_NAMES = ['', '一级', '二级', '三级'];

/** characters per keyword type; types not listed pass through as they are */
const MAX_CHARS: Record<string, number> = { thing: 20, short_thing: 5, phrase: 5, name: 10, character_string: 32, number: 32, letter: 32, symbol: 5 };

const SHANGHAI = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** 2026年11月20日 12:05, Shanghai time: what time.DATA and date.DATA both take */
export function shanghaiTime(at: Date): string {
  const part = (type: string) => SHANGHAI.formatToParts(at).find((p) => p.type === type)?.value ?? '';
  return `${part('year')}年${Number(part('month'))}月${Number(part('day'))}日 ${part('hour')}:${part('minute')}`;
}

export function factValue(fact: AlertFact, facts: AlertFacts): string {
  switch (fact) {
    case 'amount':
      return `¥${formatYuan(facts.amountFen)}`;
    case 'source':
      return `${LEVEL_NAMES[facts.level] ?? `${facts.level}级`}佣金`;
    case 'note':
      return '订单付款后已计入待结算';
    case 'time':
      return shanghaiTime(facts.at);
    case 'order':
      return String(facts.orderId);
  }
}

/** thing1 → thing, character_string2 → character_string */
export function keywordType(keyword: string): string {
  return keyword.replace(/\d+$/, '');
}

function fit(type: string, value: string): string {
  const max = MAX_CHARS[type];
  const chars = [...value];
  if (max === undefined || chars.length <= max) return value;
  return type === 'thing' ? `${chars.slice(0, max - 1).join('')}…` : chars.slice(0, max).join('');
}

export function templateData(fields: AlertFields, facts: AlertFacts): WechatTemplateData {
  const data: WechatTemplateData = {};
  for (const [keyword, fact] of fields) data[keyword] = { value: fit(keywordType(keyword), factValue(fact, facts)) };
  return data;
}

// Row types of commission earnings (001), for Kysely; db/schema.ts merges them.
import type { Generated } from 'kysely';
import type { CreatedAt } from '../../db/columns.js';

export type EarningKind = 'distribution' | 'agent_regional' | 'agent_sales' | 'coupon_guide' | 'supplier_settlement' | 'dealer_sale' | 'dealer_rebate';
export type EarningState = 'pending' | 'frozen' | 'available' | 'reversed';

export interface CommissionEarningsTable {
  id: Generated<number>;
  order_id: number;
  order_line_id: number;
  earner_id: number;
  buyer_id: number;
  kind: Generated<EarningKind>;
  level: number;
  base_fen: number;
  rate_bp: number | null;
  amount_fen: number;
  reversed_fen: Generated<number>;
  state: EarningState;
  rule_version_id: number;
  frozen_until: Date | null;
  created_at: CreatedAt;
  /** 043: the order has an open after-sales request (set by orders through holdForAfterSales); a held earning does not unfreeze */
  after_sales_hold: Generated<boolean>;
  /** 044: a risk rule holds it (set by the risk module through holdForRisk, let go or voided by finance); a held earning never unfreezes nor is available */
  risk_hold: Generated<boolean>;
}

export interface CommissionTables {
  commission_earnings: CommissionEarningsTable;
}
